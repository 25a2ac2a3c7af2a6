package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.BranchStatus;
import com.databricks.sdk.service.postgres.CreateBranchRequest;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointStatusState;
import com.databricks.sdk.service.postgres.ListBranchesRequest;
import com.databricks.sdk.service.postgres.Operation;
import com.databricks.sdk.service.postgres.UpdateBranchRequest;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.LakebaseIds;
import io.lakeforge.runtime.LakebaseBranchException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Ephemeral branches of one project through the Lakebase API ({@code w.postgres()}): a pull
 * request's preview, a test run. They are never part of the bundle, so a deploy never deletes them
 * and an expired one never comes back; they expire by their own TTL and are deleted when their
 * purpose ends.
 *
 * <pre>{@code
 * LakebaseBranches branches = LakebaseBranches.of(client, Branches.PROJECT_ID, Branches.all());
 * BranchInfo pr = branches.create(Branches.STAGING, "pr-42", Duration.ofDays(7));
 * DSLContext db = lakebase.readWrite(pr.ref());
 * ...
 * branches.delete("pr-42");
 * }</pre>
 *
 * <p>{@link #create} is idempotent: an existing branch with the same source is returned, one with
 * another source is an error. {@link #delete} refuses {@code production}, protected branches and the
 * branches the topology declares. Thread-safe; holds no credential.
 */
public final class LakebaseBranches {

  /** The longest expiry Lakebase accepts. */
  public static final Duration MAX_TTL = Duration.ofDays(30);
  /** Budget of {@link #create(BranchRef, String, Duration)}. */
  public static final Duration DEFAULT_BUDGET = Duration.ofMinutes(5);
  private static final Duration FIRST_POLL = Duration.ofMillis(50);
  private static final Duration MAX_POLL = Duration.ofSeconds(2);

  private final WorkspaceClient client;
  private final String projectId;
  private final Map<String, BranchRef> declared = new LinkedHashMap<>();
  private final Clock clock;

  private LakebaseBranches(WorkspaceClient client, String projectId,
      Collection<BranchRef> declared, Clock clock) {
    this.client = client;
    this.projectId = projectId;
    this.clock = clock;
    for (BranchRef ref : declared) {
      if (ref.projectId().equals(projectId)) {
        this.declared.put(ref.branchId(), ref);
      }
    }
  }

  /**
   * The branches of {@code projectId}.
   *
   * @param declared the topology's branches ({@code Branches.all()}): never deleted here and
   *     listed as {@link BranchInfo.Kind#DECLARED}
   */
  public static LakebaseBranches of(WorkspaceClient client, String projectId,
      Collection<BranchRef> declared) {
    if (projectId == null || projectId.isBlank()) {
      throw new LakebaseBranchException(Reason.INVALID, "The project id is empty.", null);
    }
    if (!LakebaseSettings.isSegment(projectId)) {
      // Projects made in the UI have generated ids (UUIDs): any id the API returns is accepted,
      // but nothing the HTTP client would read as a path, query or fragment.
      throw new LakebaseBranchException(Reason.INVALID, "Project id \"" + projectId + "\" is not"
          + " valid: use letters, digits, '-', '_', '.' and '~' only, as the API returns ids.",
          null);
    }
    return new LakebaseBranches(client, projectId, List.copyOf(declared), Clock.systemUTC());
  }

  /** As {@link #of}, authenticating with the SDK's default chain. */
  public static LakebaseBranches fromEnvironment(String projectId,
      Collection<BranchRef> declared) {
    return of(Lakebase.defaultClient(), projectId, declared);
  }

  /** The project. */
  public String projectId() {
    return projectId;
  }

  /** As {@link #create(BranchRef, String, Duration, Duration)} with {@link #DEFAULT_BUDGET}. */
  public BranchInfo create(BranchRef source, String branchId, Duration ttl) {
    return create(source, branchId, ttl, DEFAULT_BUDGET);
  }

  /**
   * Creates {@code branchId} from {@code source} with an expiry {@code ttl} from now, waits for the
   * operation and for the read-write endpoint to be active, all within {@code budget}. If the branch
   * exists with the same source it is returned as it is (its expiry unchanged: see {@link
   * #extend}).
   *
   * @return the branch with its read-write endpoint host
   * @throws LakebaseBranchException {@code INVALID} for an id outside the rule, a declared id, a
   *     TTL outside (0, 30 days] or a source of another project; {@code CONFLICT} when the branch
   *     exists with another source; {@code TIMEOUT} when the budget runs out (the operation may still
   *     finish: the TTL removes it); {@code API} when Lakebase fails
   */
  public BranchInfo create(BranchRef source, String branchId, Duration ttl, Duration budget) {
    Instant deadline = clock.instant().plus(budget);
    checkId(branchId);
    if (declared.containsKey(branchId)) {
      throw new LakebaseBranchException(Reason.INVALID, "Branch " + branchId + " is declared by"
          + " the topology; the bundle owns it. Choose another id for an ephemeral branch.", null);
    }
    checkTtl(ttl);
    if (!source.projectId().equals(projectId)) {
      throw new LakebaseBranchException(Reason.INVALID, "Source branch " + source.branchPath()
          + " is not in project " + projectId + ".", null);
    }
    String path = path(branchId);
    Branch existing = getOrNull(path);
    if (existing == null) {
      String op;
      try {
        op = client.postgres().createBranch(new CreateBranchRequest()
            .setParent("projects/" + projectId)
            .setBranchId(branchId)
            .setBranch(new Branch().setSpec(new BranchSpec()
                .setSourceBranch(source.branchPath())
                .setTtl(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(Math.max(1, ttl.toSeconds())).build()))))
            .getName();
      } catch (DatabricksError e) {
        if (e.getStatusCode() != 409) {
          throw api("create " + path, e);
        }
        op = null; // Created meanwhile by someone else: compare its source below.
      } catch (DatabricksException e) {
        throw api("create " + path, e);
      }
      if (op != null) {
        await(op, path, deadline);
      }
      existing = getOrNull(path);
      if (existing == null) {
        throw new LakebaseBranchException(Reason.API, "Branch " + path + " was created but is"
            + " gone (deleted or expired meanwhile).", null);
      }
    }
    String actualSource = status(existing).getSourceBranch();
    if (actualSource == null || !actualSource.equals(source.branchPath())) {
      throw new LakebaseBranchException(Reason.CONFLICT, "Branch " + path + " exists with source "
          + (actualSource == null ? "(none)" : actualSource) + ", not " + source.branchPath()
          + ". Delete it first or choose another id.", null);
    }
    existing = awaitReady(path, existing, deadline);
    String host = awaitEndpoint(path + "/endpoints/" + BranchRef.PRIMARY, deadline);
    return info(existing, host);
  }

  /**
   * The branch with its read-write endpoint host, if it exists.
   *
   * @throws LakebaseBranchException {@code INVALID} for an id outside the rule ({@link
   *     LakebaseIds#RULE}), before any API call
   */
  public Optional<BranchInfo> find(String branchId) {
    checkId(branchId);
    Branch b = getOrNull(path(branchId));
    if (b == null) {
      return Optional.empty();
    }
    String host = null;
    try {
      Endpoint e = client.postgres().getEndpoint(path(branchId) + "/endpoints/"
          + BranchRef.PRIMARY);
      host = e.getStatus() == null || e.getStatus().getHosts() == null ? null
          : e.getStatus().getHosts().getHost();
    } catch (DatabricksError e) {
      if (e.getStatusCode() != 404) {
        throw api("get the endpoint of " + path(branchId), e);
      }
    } catch (DatabricksException e) {
      throw api("get the endpoint of " + path(branchId), e);
    }
    return Optional.of(info(b, host));
  }

  /** Every branch of the project, declared and ephemeral, without hosts. */
  public List<BranchInfo> list() {
    List<BranchInfo> all = new ArrayList<>();
    try {
      for (Branch b : client.postgres().listBranches(
          new ListBranchesRequest().setParent("projects/" + projectId))) {
        all.add(info(b, null));
      }
    } catch (DatabricksException e) {
      throw api("list the branches of projects/" + projectId, e);
    }
    return all;
  }

  /**
   * Sets the expiry of an ephemeral branch to {@code ttl} from now.
   *
   * @throws LakebaseBranchException {@code REFUSED} for a declared branch (its expiry is the
   *     bundle's), {@code NOT_FOUND}, {@code INVALID} for an id outside the rule ({@link
   *     LakebaseIds#RULE}) or a TTL outside (0, 30 days]
   */
  public BranchInfo extend(String branchId, Duration ttl) {
    checkId(branchId);
    checkTtl(ttl);
    if (declared.containsKey(branchId)) {
      throw new LakebaseBranchException(Reason.REFUSED, "Branch " + branchId + " is declared by"
          + " the topology; change its ttl in the topology and deploy.", null);
    }
    String path = path(branchId);
    requireExisting(path);
    Instant expires = clock.instant().plus(ttl);
    try {
      client.postgres().updateBranch(new UpdateBranchRequest()
          .setName(path)
          .setBranch(new Branch().setName(path).setSpec(new BranchSpec().setExpireTime(
              Timestamp.newBuilder().setSeconds(expires.getEpochSecond())
                  .setNanos(expires.getNano()).build())))
          .setUpdateMask(FieldMask.newBuilder().addPaths("spec.expire_time").build()));
    } catch (DatabricksException e) {
      throw api("extend " + path, e);
    }
    Branch b = getOrNull(path);
    if (b == null) {
      throw new LakebaseBranchException(Reason.NOT_FOUND, "Branch " + path + " is gone.", null);
    }
    return info(b, null);
  }

  /**
   * Deletes an ephemeral branch; its endpoints go with it and new connections fail.
   *
   * @return {@code false} if it did not exist
   * @throws LakebaseBranchException {@code INVALID} for an id outside the rule ({@link
   *     LakebaseIds#RULE}), before any API call; {@code REFUSED} for {@code production}, a
   *     protected or a declared branch
   */
  public boolean delete(String branchId) {
    checkId(branchId);
    String path = path(branchId);
    if (branchId.equals("production")) {
      throw new LakebaseBranchException(Reason.REFUSED, "Refusing to delete " + path + ": it is"
          + " the project's root branch.", null);
    }
    if (declared.containsKey(branchId)) {
      throw new LakebaseBranchException(Reason.REFUSED, "Refusing to delete " + path + ": the"
          + " topology declares it, so the bundle owns it. Remove it from the topology and deploy"
          + " with the deletion allowed.", null);
    }
    Branch b = getOrNull(path);
    if (b == null) {
      return false;
    }
    if (Boolean.TRUE.equals(status(b).getIsProtected())) {
      throw new LakebaseBranchException(Reason.REFUSED, "Refusing to delete " + path + ": it is"
          + " protected.", null);
    }
    try {
      client.postgres().deleteBranch(path);
    } catch (DatabricksError e) {
      if (e.getStatusCode() == 404) {
        return false;
      }
      throw api("delete " + path, e);
    } catch (DatabricksException e) {
      throw api("delete " + path, e);
    }
    return true;
  }

  private String path(String branchId) {
    return "projects/" + projectId + "/branches/" + branchId;
  }

  /**
   * Every method checks the id before it reaches a URL: the HTTP client drops {@code #...} and
   * sends {@code ?...} as a query, so {@code dev#x} would act on {@code dev}, past the guards.
   */
  private static void checkId(String branchId) {
    if (branchId == null || !LakebaseIds.isValid(branchId)) {
      throw new LakebaseBranchException(Reason.INVALID, "Branch id \"" + branchId + "\" is not"
          + " valid: " + LakebaseIds.RULE + ". For a pull request use e.g. pr-42.", null);
    }
  }

  private static void checkTtl(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new LakebaseBranchException(Reason.INVALID, "TTL " + ttl + " is outside (0, 30 days]:"
          + " Lakebase keeps a branch at most 30 days.", null);
    }
  }

  private void requireExisting(String path) {
    if (getOrNull(path) == null) {
      throw new LakebaseBranchException(Reason.NOT_FOUND, "Branch " + path + " does not exist.",
          null);
    }
  }

  private @Nullable Branch getOrNull(String path) {
    try {
      return client.postgres().getBranch(path);
    } catch (DatabricksError e) {
      if (e.getStatusCode() == 404) {
        return null;
      }
      throw api("get " + path, e);
    } catch (DatabricksException e) {
      throw api("get " + path, e);
    }
  }

  private void await(String op, String path, Instant deadline) {
    Duration pause = FIRST_POLL;
    Operation current = new Operation().setName(op).setDone(false);
    while (current.getDone() == null || !current.getDone()) {
      sleepUntil(pause, deadline, path, "operation " + op);
      pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
      try {
        current = client.postgres().getOperation(op);
      } catch (DatabricksException e) {
        throw api("poll the operation " + op + " creating " + path, e);
      }
    }
    if (current.getError() != null) {
      throw new LakebaseBranchException(Reason.API, "Creating " + path + " failed: ["
          + current.getError().getErrorCode() + "] " + current.getError().getMessage(), null);
    }
  }

  private Branch awaitReady(String path, Branch branch, Instant deadline) {
    Duration pause = FIRST_POLL;
    Branch b = branch;
    while (status(b).getCurrentState() != null
        && !"READY".equals(status(b).getCurrentState().name())) {
      sleepUntil(pause, deadline, path, "branch state " + status(b).getCurrentState());
      pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
      Branch again = getOrNull(path);
      if (again == null) {
        throw new LakebaseBranchException(Reason.NOT_FOUND, "Branch " + path + " disappeared"
            + " while it was starting.", null);
      }
      b = again;
    }
    return b;
  }

  private String awaitEndpoint(String endpoint, Instant deadline) {
    Duration pause = FIRST_POLL;
    while (true) {
      String state = "missing";
      try {
        Endpoint e = client.postgres().getEndpoint(endpoint);
        if (e.getStatus() != null) {
          EndpointStatusState s = e.getStatus().getCurrentState();
          String host = e.getStatus().getHosts() == null ? null
              : e.getStatus().getHosts().getHost();
          if (host != null && !host.isEmpty()
              && (s == null || s == EndpointStatusState.ACTIVE || s == EndpointStatusState.IDLE)) {
            return host;
          }
          state = String.valueOf(s);
        }
      } catch (DatabricksError e) {
        if (e.getStatusCode() != 404) {
          throw api("get " + endpoint, e);
        }
      } catch (DatabricksException e) {
        throw api("get " + endpoint, e);
      }
      sleepUntil(pause, deadline, endpoint, "endpoint " + state);
      pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
    }
  }

  private void sleepUntil(Duration pause, Instant deadline, String path, String waitingFor) {
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new LakebaseBranchException(Reason.TIMEOUT, "Branch " + path + " was not ready within"
          + " the budget (still waiting for " + waitingFor + "). It may still finish; its TTL"
          + " removes it otherwise. Retry the same create to pick it up, or raise the budget.",
          null);
    }
    try {
      Thread.sleep(Math.max(1, Math.min(pause.toMillis(), left.toMillis())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakebaseBranchException(Reason.TIMEOUT, "Interrupted while waiting for " + path
          + ".", e);
    }
  }

  private BranchInfo info(Branch b, @Nullable String host) {
    BranchStatus s = status(b);
    String name = b.getName();
    String branchId = name.substring(name.lastIndexOf('/') + 1);
    BranchRef ref = declared.getOrDefault(branchId,
        new BranchRef(projectId, branchId, BranchRef.PRIMARY, ""));
    Instant expires = s.getExpireTime() == null ? null
        : Instant.ofEpochSecond(s.getExpireTime().getSeconds(), s.getExpireTime().getNanos());
    String source = s.getSourceBranch() == null ? null
        : s.getSourceBranch().substring(s.getSourceBranch().lastIndexOf('/') + 1);
    BranchInfo.Kind kind = declared.containsKey(branchId) ? BranchInfo.Kind.DECLARED
        : expires != null ? BranchInfo.Kind.EPHEMERAL : BranchInfo.Kind.OTHER;
    return new BranchInfo(ref, kind, source, host, expires,
        Boolean.TRUE.equals(s.getIsProtected()),
        s.getCurrentState() == null ? "UNKNOWN" : s.getCurrentState().name());
  }

  private static BranchStatus status(Branch b) {
    return b.getStatus() == null ? new BranchStatus() : b.getStatus();
  }

  private static LakebaseBranchException api(String what, DatabricksException e) {
    String code = e instanceof DatabricksError d ? " (" + d.getStatusCode() + " "
        + d.getErrorCode() + ")" : "";
    return new LakebaseBranchException(Reason.API, "Could not " + what + code + ": "
        + e.getMessage(), e);
  }
}
