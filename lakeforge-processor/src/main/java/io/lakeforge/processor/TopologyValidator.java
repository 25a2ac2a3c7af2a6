package io.lakeforge.processor;

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
      v.checkBranch(i, branches.get(i));
    }
    v.checkUniqueness();
    v.checkSourceCycles();
    return v.report;
  }

  private void checkProject() {
    String id = topology.projectId();
    if (!Ids.isValid(id)) {
      report.error(
          Rule.PROJECT_ID,
          Problem.PROJECT,
          "id",
          "@LakebaseProject id " + Ids.quote(id) + " is not a valid Lakebase project id: " + Ids.RULE
              + "." + fix(id));
    }
    String accessor = topology.accessorName();
    if (!SourceVersion.isIdentifier(accessor) || SourceVersion.isKeyword(accessor)) {
      report.error(
          Rule.ACCESSOR_NAME,
          Problem.PROJECT,
          "accessorName",
          "@LakebaseProject accessorName " + Ids.quote(accessor)
              + " is not a Java class name. Use a simple name such as \"Branches\".");
    }
    int pg = topology.pgVersion();
    if (pg != 0 && pg != 16 && pg != 17) {
      report.warning(
          Rule.PG_VERSION,
          Problem.PROJECT,
          "pgVersion",
          "@LakebaseProject pgVersion " + pg + " is not a version Lakebase offers (16 or 17); the"
              + " deploy will likely be rejected. Use 16 or 17, or 0 for ${var.pg_version}.");
    }
    int count = topology.branches().size();
    if (count > BRANCH_LIMIT) {
      report.warning(
          Rule.BRANCH_COUNT,
          Problem.PROJECT,
          null,
          "project " + Ids.quote(id) + " declares " + count + " branches; Lakebase allows about "
              + BRANCH_LIMIT + " unarchived branches per project, so the deploy may fail. Remove"
              + " branches or give short-lived ones a ttl.");
    }
  }

  private void checkBranch(int i, BranchSpec b) {
    String who = subject(b);
    if (!Ids.isValid(b.id())) {
      report.error(
          Rule.BRANCH_ID,
          i,
          null,
          who + ": branch id " + Ids.quote(b.id()) + " is not a valid Lakebase id: " + Ids.RULE
              + "." + fix(b.id()));
    } else if (b.id().equals(ROOT_BRANCH) && !b.replaceExisting()) {
      report.error(
          Rule.RESERVED_NAME,
          i,
          null,
          who + ": every project already has the root branch \"production\", so creating it"
              + " would fail. Choose another id, or set replaceExisting = true to take it over.");
    }
    if (AccessorGenerator.RESERVED_CONSTANTS.contains(b.constantName())) {
      report.error(
          Rule.KEY_COLLISION,
          i,
          null,
          who + ": the accessor constant " + b.constantName() + " is reserved for the generated"
              + " accessor itself. Rename the constant.");
    }
    String endpoint = b.readOnlyEndpoint();
    if (!Ids.isValid(endpoint)) {
      report.error(
          Rule.ENDPOINT_ID,
          i,
          "readOnlyEndpoint",
          who + ": readOnlyEndpoint " + Ids.quote(endpoint) + " is not a valid Lakebase id: "
              + Ids.RULE + "." + fix(endpoint));
    } else if (endpoint.equals("primary") && !b.replaceExisting()) {
      report.error(
          Rule.RESERVED_NAME,
          i,
          "readOnlyEndpoint",
          who + ": every branch already has the read-write endpoint \"primary\", so an endpoint"
              + " with that id would clash. Keep the default \"readonly\", choose another id, or"
              + " set replaceExisting = true to take it over.");
    }
    checkTtl(i, b, who);
    checkCapacity(i, b, who);
    checkSource(i, b, who);
  }

  private void checkTtl(int i, BranchSpec b, String who) {
    if (!b.hasTtl()) {
      return;
    }
    Duration ttl;
    try {
      ttl = Duration.parse(b.ttl());
    } catch (DateTimeParseException e) {
      report.error(
          Rule.TTL,
          i,
          "ttl",
          who + ": ttl " + Ids.quote(b.ttl()) + " is not an ISO-8601 duration. Write it like"
              + " \"P7D\" (7 days) or \"PT12H\" (12 hours), or leave it empty for no expiry.");
      return;
    }
    if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
      report.error(
          Rule.TTL,
          i,
          "ttl",
          who + ": ttl " + Ids.quote(b.ttl()) + " is outside what Lakebase accepts: a branch"
              + " expires after more than 0 and at most 30 days. Use a value from \"PT1H\" to"
              + " \"P30D\", or leave it empty for no expiry.");
    }
  }

  private void checkCapacity(int i, BranchSpec b, String who) {
    boolean minSet = checkCu(i, who, "minCu", b.minCu());
    boolean maxSet = checkCu(i, who, "maxCu", b.maxCu());
    if (!minSet || !maxSet) {
      return;
    }
    if (b.minCu() > b.maxCu()) {
      report.error(
          Rule.CAPACITY,
          i,
          "maxCu",
          who + ": maxCu " + cu(b.maxCu()) + " is below minCu " + cu(b.minCu())
              + ". Raise maxCu or lower minCu.");
    } else if (b.maxCu() - b.minCu() > MAX_CU_SPREAD) {
      report.error(
          Rule.CAPACITY,
          i,
          "maxCu",
          who + ": maxCu " + cu(b.maxCu()) + " is more than 16 CU above minCu " + cu(b.minCu())
              + "; Lakebase autoscaling allows a spread of at most 16 CU. Use maxCu <= "
              + cu(b.minCu() + MAX_CU_SPREAD) + ".");
    }
  }

  /** Returns whether the value is set (non-zero) and valid. */
  private boolean checkCu(int i, String who, String attribute, double value) {
    if (value == 0) {
      return false;
    }
    if (Double.isNaN(value) || value < MIN_CU || value > MAX_CU) {
      report.error(
          Rule.CAPACITY,
          i,
          attribute,
          who + ": " + attribute + " " + cu(value) + " is outside Lakebase's autoscaling range of"
              + " 0.5 to 64 CU. Use a value in that range, or 0 for the bundle variable.");
      return false;
    }
    if (value != MIN_CU && value != Math.rint(value)) {
      report.error(
          Rule.CAPACITY,
          i,
          attribute,
          who + ": " + attribute + " " + cu(value) + " is not a compute size Lakebase offers:"
              + " autoscaling computes are 0.5 CU or a whole number of CUs. Use "
              + cu(Math.max(1, Math.floor(value))) + " or " + cu(Math.ceil(value)) + ".");
      return false;
    }
    return true;
  }

  private void checkSource(int i, BranchSpec b, String who) {
    if (b.from().isEmpty()) {
      return;
    }
    if (b.from().equals(b.id())) {
      report.error(
          Rule.SOURCE_BRANCH,
          i,
          "from",
          who + ": a branch cannot branch from itself. Name another declared branch, or leave"
              + " from empty to branch from the project's default branch.");
      return;
    }
    if (!ids.contains(b.from())) {
      report.error(
          Rule.SOURCE_BRANCH,
          i,
          "from",
          who + ": from " + Ids.quote(b.from()) + " names no branch of this project. Declare it"
              + " with @Branch, or leave from empty to branch from the project's default branch."
              + didYouMean(b.from()));
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
        report.error(
            Rule.SOURCE_BRANCH,
            i,
            "from",
            subject(b) + ": from " + Ids.quote(b.from()) + " makes a cycle (a branch would be its"
                + " own ancestor). Branch one of them from the project's default branch.");
      }
    }
  }

  private void checkUniqueness() {
    List<BranchSpec> branches = topology.branches();
    Map<String, Integer> byId = new HashMap<>();
    Map<String, Integer> byKey = new HashMap<>();
    Map<String, Integer> byEndpointKey = new HashMap<>();
    Map<String, Integer> byConstant = new HashMap<>();
    for (int i = 0; i < branches.size(); i++) {
      BranchSpec b = branches.get(i);
      Integer same = byId.putIfAbsent(b.id(), i);
      if (same != null) {
        report.error(
            Rule.DUPLICATE_BRANCH,
            i,
            null,
            subject(b) + ": branch id " + Ids.quote(b.id()) + " is already used by "
                + subject(branches.get(same)) + ". Branch ids must be unique in a project; remove"
                + " one of them or rename it.");
        continue;
      }
      collision(byKey, b.branchKey(), i, "bundle resource key");
      collision(byEndpointKey, b.endpointKey(), i, "endpoint resource key");
      collision(byConstant, b.constantName(), i, "accessor constant");
    }
  }

  private void collision(Map<String, Integer> seen, String key, int i, String what) {
    Integer first = seen.putIfAbsent(key, i);
    if (first == null) {
      return;
    }
    List<BranchSpec> branches = topology.branches();
    BranchSpec b = branches.get(i);
    BranchSpec other = branches.get(first);
    report.error(
        Rule.KEY_COLLISION,
        i,
        null,
        subject(b) + ": branch id " + Ids.quote(b.id()) + " and " + subject(other) + " (id "
            + Ids.quote(other.id()) + ") both map to the " + what + " \"" + key + "\", so one"
            + " would overwrite the other. Rename one of them.");
  }

  private String subject(BranchSpec b) {
    return b.extra()
        ? "branch " + Ids.quote(b.id()) + " (from " + extrasLabel + ")"
        : "@Branch " + b.constantName();
  }

  private static String fix(String raw) {
    String suggestion = Ids.suggest(raw);
    return suggestion == null ? "" : " Did you mean \"" + suggestion + "\"?";
  }

  private String didYouMean(String raw) {
    String best = null;
    int bestDistance = 3;
    for (BranchSpec b : topology.branches()) {
      int d = distance(raw, b.id());
      if (d < bestDistance) {
        best = b.id();
        bestDistance = d;
      }
    }
    return best == null ? "" : " Did you mean \"" + best + "\"?";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static String cu(double value) {
    return value == Math.rint(value) && !Double.isInfinite(value)
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
