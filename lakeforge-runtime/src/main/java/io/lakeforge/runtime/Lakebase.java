package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import io.lakeforge.annotations.BranchRef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Per-branch access for applications: give it a generated {@code Branches} handle, get a jOOQ
 * context for the branch's read-write or read-only endpoint.
 *
 * <pre>{@code
 * try (Lakebase lakebase = Lakebase.fromEnvironment()) {
 *   DSLContext dev = lakebase.readOnly(Branches.DEV);
 *   String me = dev.fetchValue("select current_user", String.class);
 * }
 * }</pre>
 *
 * <p>Hosts are read from the Databricks API ({@code getEndpoint}, LakeForge's own HTTP client,
 * {@code apiTimeout} per attempt) once per endpoint. One {@link LakebasePool} per endpoint is
 * created on first use, outside any lock that other endpoints need; pools of read-only endpoints
 * hand out read-only connections. {@link #close()} closes them all, including one whose creation
 * is still under way when {@code close()} runs. Port, database, user, TLS and pool settings come
 * from the {@link LakebaseConfig}; {@code LAKEBASE_PROJECT} replaces the project id compiled
 * into the handles.
 */
public final class Lakebase implements AutoCloseable {

  private final LakebaseConfig config;
  private final WorkspaceClient client;
  private final DatabricksCalls lookups;
  private final Map<String, CompletableFuture<LakebasePool>> pools = new ConcurrentHashMap<>();
  private @Nullable String user;
  private boolean closed;

  private Lakebase(LakebaseConfig config, WorkspaceClient client) {
    this.config = config;
    this.client = client;
    this.lookups = new DatabricksCalls(client, config, Clock.systemUTC());
  }

  /** From the environment, authenticating with the SDK's default chain. */
  public static Lakebase fromEnvironment() {
    return create(LakebaseConfig.fromEnvironment(), defaultClient());
  }

  /** With explicit settings and Databricks client. */
  public static Lakebase create(LakebaseConfig config, WorkspaceClient client) {
    return new Lakebase(config, client);
  }

  /** A jOOQ context for the branch's read-only endpoint. */
  public DSLContext readOnly(BranchRef branch) {
    return pool(branch, EndpointKind.READ_ONLY).dsl();
  }

  /** A jOOQ context for the branch's read-write endpoint ({@code primary}). */
  public DSLContext readWrite(BranchRef branch) {
    return pool(branch, EndpointKind.READ_WRITE).dsl();
  }

  /**
   * The pool of one endpoint of the branch, created on first use. A caller that finds the pool
   * being created by another thread waits for it (bounded by the API calls of that creation).
   *
   * @throws LakebaseClosedException after {@link #close()}, also when it ran during the creation
   */
  public LakebasePool pool(BranchRef branch, EndpointKind kind) {
    checkOpen();
    BranchRef ref = config.projectOverride() == null
        ? branch
        : branch.withProjectId(config.projectOverride());
    String endpoint = kind == EndpointKind.READ_WRITE
        ? ref.readWriteEndpointPath()
        : ref.readOnlyEndpointPath();
    if (!LakebaseSettings.isEndpointPath(endpoint)) {
      throw new LakebaseConfigException("endpoint", "\"" + endpoint + "\" is not an endpoint path."
          + " Check the branch handle: ids may hold letters, digits, '-', '_', '.' and '~'.");
    }
    CompletableFuture<LakebasePool> existing = pools.get(endpoint);
    if (existing == null) {
      CompletableFuture<LakebasePool> mine = new CompletableFuture<>();
      existing = pools.putIfAbsent(endpoint, mine);
      if (existing == null) {
        return create(endpoint, kind, mine);
      }
    }
    try {
      return existing.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Creates a pool with network calls outside any map lock; a close() meanwhile wins. */
  private LakebasePool create(String endpoint, EndpointKind kind,
      CompletableFuture<LakebasePool> slot) {
    LakebasePool pool = null;
    try {
      LakebaseConfig endpointConfig = config.toBuilder().endpoint(endpoint)
          .set(LakebaseSettings.READ_ONLY, kind == EndpointKind.READ_ONLY).build();
      Target target = Target.resolve(endpointConfig, client, lookups, endpoint, this::user);
      pool = LakebasePool.open(endpointConfig, client, target);
      synchronized (this) {
        if (!closed) {
          slot.complete(pool);
          return pool;
        }
      }
      throw closedException();
    } catch (RuntimeException | Error e) {
      if (pool != null) {
        pool.close();
      }
      pools.remove(endpoint, slot);
      RuntimeException failure = isClosed() && !(e instanceof LakebaseClosedException)
          ? closedException()
          : null;
      slot.completeExceptionally(failure != null ? failure : e);
      if (failure != null) {
        throw failure;
      }
      throw e;
    }
  }

  private synchronized String user() {
    if (user == null) {
      user = lookups.currentUser();
    }
    return user;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (isClosed()) {
      throw closedException();
    }
  }

  private static LakebaseClosedException closedException() {
    return new LakebaseClosedException("Lakebase is closed; create a new one.");
  }

  /** Statistics of every pool opened so far, by endpoint path. */
  public Map<String, LakebasePoolStats> stats() {
    Map<String, LakebasePoolStats> stats = new LinkedHashMap<>();
    pools.forEach((endpoint, pool) -> {
      if (pool.isDone() && !pool.isCompletedExceptionally()) {
        stats.put(endpoint, pool.join().stats());
      }
    });
    return stats;
  }

  /**
   * Closes every pool, and any pool whose creation is under way as soon as it exists; aborts
   * lookups in flight. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    lookups.close();
    List<CompletableFuture<LakebasePool>> open = new ArrayList<>(pools.values());
    pools.clear();
    for (CompletableFuture<LakebasePool> f : open) {
      // A pool still being created is closed by its creator, which sees `closed` under the lock.
      if (f.isDone() && !f.isCompletedExceptionally()) {
        f.join().close();
      }
    }
  }

  /**
   * A client from the SDK's default authentication chain (environment, profile, OIDC), with a
   * message that says what to set when it is not configured.
   *
   * @throws LakebaseConfigException naming {@code DATABRICKS_HOST} when authentication is missing
   */
  public static WorkspaceClient defaultClient() {
    DatabricksConfig config;
    try {
      config = new DatabricksConfig().resolve();
    } catch (DatabricksException e) {
      throw new LakebaseConfigException("DATABRICKS_HOST", "Databricks authentication is not"
          + " configured (" + e.getMessage() + "). Set DATABRICKS_HOST and one of:"
          + " DATABRICKS_CLIENT_ID with DATABRICKS_CLIENT_SECRET (OAuth M2M),"
          + " DATABRICKS_AUTH_TYPE=github-oidc with DATABRICKS_CLIENT_ID (GitHub Actions),"
          + " DATABRICKS_TOKEN, or DATABRICKS_CONFIG_PROFILE.");
    }
    if (config.getHost() == null || config.getHost().isBlank()) {
      throw new LakebaseConfigException("DATABRICKS_HOST", "DATABRICKS_HOST is not set. Set it to"
          + " the workspace URL, e.g. https://my-workspace.cloud.databricks.com, or set"
          + " DATABRICKS_CONFIG_PROFILE to a profile that has one.");
    }
    return new WorkspaceClient(config);
  }
}
