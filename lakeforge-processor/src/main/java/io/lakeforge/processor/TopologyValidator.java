package io.lakeforge.processor;

import io.lakeforge.annotations.BranchRef;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Checks a {@link Topology} against the Lakebase rules. Reports every problem, never throws for
 * bad input, and phrases each message as: who, what is wrong, why, what to do.
 */
final class TopologyValidator {

  /** Lakebase's documented limit of unarchived branches per project. */
  static final int BRANCH_LIMIT = 10;

  static final Duration MAX_TTL = Duration.ofDays(30);
  static final double MIN_CU = 0.5;
  static final double MAX_CU = 64;
  static final double MAX_CU_SPREAD = 16;
  static final String ROOT_BRANCH = "production";

  private final Topology topology;
  private final String extrasLabel;
  private final Report report = new Report();
  private final Set<String> ids = new HashSet<>();

  private TopologyValidator(Topology topology, String extrasLabel) {
    this.topology = topology;
    this.extrasLabel = extrasLabel;
    topology.branches().forEach(b -> ids.add(b.id()));
  }

  /**
   * Validates a topology.
   *
   * @param extrasLabel how users pass extra branches, named in messages about them
   *     ({@code -Alakeforge.branches}, {@code CUSTOM_BRANCHES})
   */
  static Report validate(Topology topology, String extrasLabel) {
    TopologyValidator v = new TopologyValidator(topology, extrasLabel);
    v.checkProject();
    List<BranchSpec> branches = topology.branches();
    for (int i = 0; i < branches.size(); i++) {
      v.checkBranch(branches.get(i));
    }
    v.checkUniqueness();
    v.checkOneProtected();
    v.checkSourceCycles();
    AccessValidator.validate(topology, v.report);
    return v.report;
  }

  private void checkProject() {
    String id = topology.projectId();
    if (!Ids.isValid(id)) {
      report.add(Rule.PROJECT_ID, null,
          "id",
          "@LakebaseProject id " + Ids.quote(id) + " is not a valid Lakebase project id: " + Ids.RULE
              + "." + Suggestions.validForm(id, 1));
    }
    String accessor = topology.accessorName();
    if (!SourceVersion.isIdentifier(accessor) || SourceVersion.isKeyword(accessor)) {
      report.add(Rule.ACCESSOR_NAME, null,
          "accessorName",
          "@LakebaseProject accessorName " + Ids.quote(accessor)
              + " is not a Java class name. Use a simple name such as \"Branches\".");
    }
    int pg = topology.pgVersion();
    if (pg != 0 && pg != 16 && pg != 17) {
      report.add(Rule.PG_VERSION, null,
          "pgVersion",
          "@LakebaseProject pgVersion " + pg + " is not a version Lakebase offers (16 or 17); the"
              + " deploy will likely be rejected. Use 16 or 17, or 0 for ${var.pg_version}.");
    }
    int count = topology.branches().size() + (ids.contains(ROOT_BRANCH) ? 0 : 1);
    if (count > BRANCH_LIMIT) {
      report.add(Rule.BRANCH_COUNT, null,
          null,
          "project " + Ids.quote(id) + " has " + count + " branches, counting the root branch"
              + " \"production\" every project has; Lakebase allows about " + BRANCH_LIMIT
              + " unarchived branches per project, so the deploy may fail. Remove branches, or"
              + " create short-lived ones as ephemeral branches outside the bundle.");
    }
  }

  private void checkBranch(BranchSpec b) {
    String who = subject(b);
    if (!Ids.isValid(b.id())) {
      report.add(Rule.BRANCH_ID, b,
          null,
          who + ": branch id " + Ids.quote(b.id()) + " is not a valid Lakebase id: " + Ids.RULE
              + "." + Suggestions.validForm(b.id(), 1));
    } else if (b.id().equals(ROOT_BRANCH)) {
      checkRoot(b, who);
    }
    String endpoint = b.readOnlyEndpoint();
    if (endpoint.equals(BranchRef.PRIMARY)) {
      report.add(Rule.RESERVED_NAME, b,
          "readOnlyEndpoint",
          who + ": \"primary\" is the branch's read-write endpoint, which Lakebase creates with"
              + " every branch; a read-only endpoint with that id would turn it read-only"
              + " (endpoint_type forces a recreate). Keep the default \"readonly\" or choose"
              + " another id; set primaryMinCu and primaryMaxCu to configure primary itself.");
    } else if (b.hasReadOnlyEndpoint() && !Ids.isValid(endpoint)) {
      report.add(Rule.ENDPOINT_ID, b,
          "readOnlyEndpoint",
          who + ": readOnlyEndpoint " + Ids.quote(endpoint) + " is not a valid Lakebase id: "
              + Ids.RULE + "." + Suggestions.validForm(endpoint, 1) + " Leave it empty for no read-only endpoint.");
    }
    checkTtl(b, who);
    checkCapacity(b, who);
    checkSource(b, who);
    checkCompute(b, who);
  }

  /** Suspension, HA and Postgres settings of the branch's endpoints, and its lifecycle. */
  private void checkCompute(BranchSpec b, String who) {
    if (!b.hasReadOnlyEndpoint()) {
      String set = !b.suspendTimeout().isEmpty() ? "suspendTimeout"
          : !b.pgSettings().isEmpty() ? "pgSettings" : null;
      if (set != null) {
        report.add(Rule.NO_READ_ONLY_ENDPOINT, b,
            set,
            who + ": " + set + " configures the read-only endpoint, but readOnlyEndpoint is"
                + " empty (no read-only endpoint). Remove it, use the primary* attribute for the"
                + " read-write endpoint, or name the read-only endpoint.");
      }
    }
    AccessValidator.checkSuspend(b, "suspendTimeout", who + ":", b.suspendTimeout(), report);
    AccessValidator.checkSuspend(
        b, "primarySuspendTimeout", who + ":", b.primarySuspendTimeout(), report);
    if (b.primaryComputes() < 0) {
      report.add(Rule.HIGH_AVAILABILITY, b,
          "primaryComputes",
          who + ": primaryComputes " + b.primaryComputes() + " is not a number of computes; an"
              + " endpoint group has at least 1 (min = max, as Lakebase requires). Use 1 for a"
              + " single compute, 2 or more for high availability, or 0 to leave it alone.");
    }
    checkPgSettings(b, "pgSettings", b.pgSettings(), who);
    checkPgSettings(b, "primaryPgSettings", b.primaryPgSettings(), who);
    if (b.allowDestroy() && !b.protect()) {
      report.add(Rule.LIFECYCLE, b,
          "allowDestroy",
          who + ": allowDestroy only lifts the prevent_destroy guard of a protected branch, and"
              + " this branch is not protected, so it has no effect. Remove it.");
    }
  }

  private void checkPgSettings(BranchSpec b, String attribute, List<String> entries, String who) {
    Set<String> names = new HashSet<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq).strip();
      if (eq < 0 || !Values.SETTING_NAME.matcher(name).matches()) {
        report.add(Rule.PG_SETTINGS, b,
            attribute,
            who + ": " + attribute + " entry " + Ids.quote(entry) + " is not \"name=value\" with"
                + " a Postgres setting name. Write it like \"work_mem=64MB\".");
      } else if (!names.add(name)) {
        report.add(Rule.PG_SETTINGS, b,
            attribute,
            who + ": " + attribute + " sets " + name + " twice; pg_settings is a map with one"
                + " value per setting. Keep one.");
      }
    }
  }

  /** The root branch exists from the project's creation: taken over, never created or expired. */
  private void checkRoot(BranchSpec b, String who) {
    if (!b.replaceExisting()) {
      report.add(Rule.RESERVED_NAME, b,
          null,
          who + ": every project already has the root branch \"production\", so creating it"
              + " would fail. Choose another id, or set replaceExisting = true to take it over.");
    }
    if (!b.from().isEmpty()) {
      report.add(Rule.ROOT_BRANCH, b,
          "from",
          who + ": \"production\" is the project's root branch and has no source branch;"
              + " source_branch also forces a recreate. Remove from.");
    }
    if (b.hasTtl()) {
      report.add(Rule.EXPIRY, b,
          "ttl",
          who + ": \"production\" is the project's root branch, which cannot be deleted, so it"
              + " cannot expire. Remove ttl.");
    }
  }

  private void checkTtl(BranchSpec b, String who) {
    if (!b.hasTtl()) {
      return;
    }
    Duration ttl;
    try {
      ttl = Duration.parse(b.ttl());
    } catch (DateTimeParseException e) {
      report.add(Rule.TTL, b,
          "ttl",
          who + ": ttl " + Ids.quote(b.ttl()) + " is not an ISO-8601 duration. Write it like"
              + " \"P7D\" (7 days) or \"PT12H\" (12 hours), or leave it empty for no expiry.");
      return;
    }
    if (ttl.getNano() != 0 || ttl.getSeconds() < 1 || ttl.compareTo(MAX_TTL) > 0) {
      report.add(Rule.TTL, b,
          "ttl",
          who + ": ttl " + Ids.quote(b.ttl()) + " is not a ttl the bundle can write: Lakebase"
              + " expires a branch after at most 30 days, and the bundle's ttl is a whole number"
              + " of seconds. Use a whole number of seconds from \"PT1S\" to \"P30D\", or leave"
              + " it empty for no expiry.");
      return;
    }
    if (b.id().equals(ROOT_BRANCH)) {
      return; // checkRoot reported it: the root branch never expires.
    }
    if (b.protect()) {
      report.add(Rule.EXPIRY, b,
          "ttl",
          who + ": a protected branch cannot be deleted, so it cannot expire either. Remove ttl"
              + " to keep it protected, or remove protect = true if it is meant to expire.");
      return;
    }
    List<String> children = topology.branches().stream()
        .filter(c -> c.from().equals(b.id()) && c != b)
        .map(this::subject)
        .toList();
    if (!children.isEmpty()) {
      report.add(Rule.EXPIRY, b,
          "ttl",
          who + ": " + String.join(", ", children) + " branch" + (children.size() == 1 ? "es" : "")
              + " from it, and a branch with children cannot expire. Remove ttl, or branch them"
              + " from a branch that does not expire.");
      return;
    }
    report.add(Rule.EXPIRING_BRANCH, b,
        "ttl",
        who + ": an expired branch comes back. The bundle still declares it, so the next deploy"
            + " after it expires creates it again as a fresh copy of its source. For a branch"
            + " meant to disappear, create it as an ephemeral branch outside the bundle, with"
            + " LakebaseBranches (lakeforge-runtime) or the command line's branch create --ttl;"
            + " for a lasting one, remove ttl.");
  }

  private void checkCapacity(BranchSpec b, String who) {
    if (!b.hasReadOnlyEndpoint() && (b.minCu() != 0 || b.maxCu() != 0)) {
      report.add(Rule.CAPACITY, b,
          b.minCu() != 0 ? "minCu" : "maxCu",
          who + ": minCu and maxCu size the read-only endpoint, but readOnlyEndpoint is empty"
              + " (no read-only endpoint). Remove them, or name the read-only endpoint.");
      return;
    }
    checkRange(b, who, "minCu", b.minCu(), "maxCu", b.maxCu(), true);
    checkRange(b, who, "primaryMinCu", b.primaryMinCu(), "primaryMaxCu", b.primaryMaxCu(), false);
  }

  private void checkRange(BranchSpec b, String who, String minName, double min, String maxName,
      double max, boolean variables) {
    if (min == 0 && max == 0) {
      return;
    }
    if (min == 0 || max == 0) {
      String missing = min == 0 ? minName : maxName;
      String set = min == 0 ? maxName : minName;
      checkCu(b, who, set, min == 0 ? max : min, variables);
      report.add(Rule.CAPACITY, b,
          set,
          who + ": " + set + " is set but " + missing + " is not; "
              + (variables
                  ? "the bundle variable that would fill in " + missing + " is decided at deploy"
                      + " time and could break the range (min <= max, max - min <= 16)."
                  : "the read-write endpoint needs both limits.")
              + " Set both " + minName + " and " + maxName + (variables ? ", or neither." : "."));
      return;
    }
    // Both set: a range is judged only between two valid sizes.
    boolean valid = checkCu(b, who, minName, min, variables);
    valid &= checkCu(b, who, maxName, max, variables);
    if (!valid) {
      return;
    }
    if (min > max) {
      report.add(Rule.CAPACITY, b,
          maxName,
          who + ": " + maxName + " " + cu(max) + " is below " + minName + " " + cu(min)
              + ". Raise " + maxName + " or lower " + minName + ".");
    } else if (max - min > MAX_CU_SPREAD) {
      report.add(Rule.CAPACITY, b,
          maxName,
          who + ": " + maxName + " " + cu(max) + " is more than 16 CU above " + minName + " "
              + cu(min) + "; Lakebase autoscaling allows a spread of at most 16 CU. Use "
              + maxName + " <= " + cu(min + MAX_CU_SPREAD) + ".");
    }
  }

  /** Reports a set (non-zero) size Lakebase does not offer; returns whether it is valid. */
  private boolean checkCu(BranchSpec b, String who, String attribute, double value, boolean variables) {
    if (Double.isNaN(value) || value < MIN_CU || value > MAX_CU) {
      report.add(Rule.CAPACITY, b,
          attribute,
          who + ": " + attribute + " " + cu(value) + " is outside Lakebase's autoscaling range of"
              + " 0.5 to 64 CU. Use a value in that range"
              + (variables ? ", or 0 for the bundle variable." : "."));
      return false;
    }
    if (value != MIN_CU && value != Math.rint(value)) {
      report.add(Rule.CAPACITY, b,
          attribute,
          who + ": " + attribute + " " + cu(value) + " is not a compute size Lakebase offers:"
              + " autoscaling computes are 0.5 CU or a whole number of CUs. Use "
              + cu(value < 1 ? MIN_CU : Math.floor(value)) + " or " + cu(Math.ceil(value)) + ".");
      return false;
    }
    return true;
  }

  private void checkSource(BranchSpec b, String who) {
    if (b.from().isEmpty() || b.id().equals(ROOT_BRANCH)) {
      return;
    }
    if (b.from().equals(b.id())) {
      report.add(Rule.SOURCE_BRANCH, b,
          "from",
          who + ": a branch cannot branch from itself. Name another declared branch, or leave"
              + " from empty to branch from the project's default branch.");
      return;
    }
    if (!ids.contains(b.from())) {
      report.add(Rule.SOURCE_BRANCH, b,
          "from",
          who + ": from " + Ids.quote(b.from()) + " names no branch of this project. Declare it"
              + " with @Branch, or leave from empty to branch from the project's default branch."
              + Suggestions.declared(b.from(), topology.branchConstants()));
    }
  }

  private void checkSourceCycles() {
    List<BranchSpec> branches = topology.branches();
    Map<String, String> parent = new HashMap<>();
    for (BranchSpec b : branches) {
      if (!b.from().isEmpty()) {
        parent.putIfAbsent(b.id(), b.from());
      }
    }
    for (int i = 0; i < branches.size(); i++) {
      BranchSpec b = branches.get(i);
      Set<String> seen = new HashSet<>();
      String at = parent.get(b.id());
      while (at != null && seen.add(at) && !at.equals(b.id())) {
        at = parent.get(at);
      }
      if (b.id().equals(at) && !b.from().equals(b.id())) {
        report.add(Rule.SOURCE_BRANCH, b,
            "from",
            subject(b) + ": from " + Ids.quote(b.from()) + " makes a cycle (a branch would be its"
                + " own ancestor). Branch one of them from the project's default branch.");
      }
    }
  }

  /**
   * "Each project supports one protected branch" (Databricks documentation, Lakebase, Protected
   * branches): a second one would fail at deploy.
   */
  private void checkOneProtected() {
    BranchSpec first = null;
    for (BranchSpec b : topology.branches()) {
      if (!b.protect()) {
        continue;
      }
      if (first == null) {
        first = b;
        continue;
      }
      report.add(Rule.PROTECTED_BRANCH, b, "protect", subject(b) + ": protect = true, but "
          + subject(first) + " is already protected, and Lakebase supports one protected branch"
          + " per project (Databricks documentation, Lakebase, \"Protected branches\"), so the"
          + " deploy would fail. Keep protect = true on one of " + first.constantName() + " and "
          + b.constantName() + ", and remove it from the other.");
    }
  }

  /**
   * Branch keys are injective on valid ids (ids have no underscore), but endpoint keys join two
   * ids with one: {@code a-b} + {@code c} and {@code a} + {@code b-c} both give
   * {@code endpoint_a_b_c}. Ids that are already invalid are not checked again.
   */
  private void checkUniqueness() {
    List<BranchSpec> branches = topology.branches();
    Map<String, Integer> byId = new HashMap<>();
    Map<String, EndpointSpec> byEndpointKey = new HashMap<>();
    for (int i = 0; i < branches.size(); i++) {
      BranchSpec b = branches.get(i);
      Integer same = byId.putIfAbsent(b.id(), i);
      if (same != null) {
        report.add(Rule.DUPLICATE_BRANCH, b,
            null,
            subject(b) + ": branch id " + Ids.quote(b.id()) + " is already used by "
                + subject(branches.get(same)) + ". Branch ids must be unique in a project; remove"
                + " one of them or rename it.");
        continue;
      }
      if (!Ids.isValid(b.id())) {
        continue;
      }
      for (EndpointSpec e : b.endpoints()) {
        if (!Ids.isValid(e.id())) {
          continue;
        }
        EndpointSpec other = byEndpointKey.putIfAbsent(e.key(), e);
        if (other != null) {
          report.add(Rule.KEY_COLLISION, b,
              e.readWrite() ? null : "readOnlyEndpoint",
              subject(b) + ": endpoint " + Ids.quote(e.id()) + " of branch " + Ids.quote(b.id())
                  + " and endpoint " + Ids.quote(other.id()) + " of " + subject(other.branch())
                  + " both map to the bundle resource key \"" + e.key() + "\", so one would"
                  + " overwrite the other. Rename one of the endpoints.");
        }
      }
    }
  }

  private String subject(BranchSpec b) {
    return b.extra()
        ? "branch " + Ids.quote(b.id()) + " (from " + extrasLabel + ")"
        : "@Branch " + b.constantName();
  }

  static String cu(double value) {
    return value == Math.rint(value) && !Double.isInfinite(value)
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
