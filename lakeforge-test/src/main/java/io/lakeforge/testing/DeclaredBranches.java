package io.lakeforge.testing;

import io.lakeforge.runtime.LakebaseTopology;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * What the kit checks against a project's generated topology ({@link LakebaseTopology}, read from
 * {@code META-INF/lakeforge/<project id>/lakebase.yml} on the test class path): a source branch
 * must be declared, and a test branch gets its source's declared database.
 */
final class DeclaredBranches {

  private final LakebaseTopology topology;

  private DeclaredBranches(LakebaseTopology topology) {
    this.topology = topology;
  }

  /** The topology of {@code project}, if its generated bundle resource is on the class path. */
  static Optional<DeclaredBranches> of(String project, ClassLoader loader) {
    return LakebaseTopology.onClassPath(project, loader).map(DeclaredBranches::new);
  }

  /** Refuses a source branch the topology does not declare, naming the closest declared one. */
  void requireDeclared(String project, String from) {
    if (topology.branchIds().contains(from)) {
      return;
    }
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String id : topology.branchIds()) {
      int d = distance(from, id);
      if (d < best) {
        best = d;
        closest = id;
      }
    }
    String hint = closest != null && best <= Math.max(2, from.length() / 3)
        ? " Did you mean \"" + closest + "\"?" : "";
    throw new ExtensionConfigurationException("@LakebaseTestBranch(from = \"" + from
        + "\"): project " + project + " declares no branch \"" + from + "\" (declared: "
        + String.join(", ", topology.branchIds()) + "; from " + topology.resource() + ")." + hint
        + " A test branch starts from a declared branch.");
  }

  /**
   * The database the topology declares on {@code from}, which a branch made from it has too; empty
   * when it declares none.
   *
   * @throws ExtensionConfigurationException if it declares more than one: the YAML keeps no
   *     declaration order, so the kit does not guess
   */
  Optional<String> databaseOf(String from) {
    List<String> names = topology.databasesOn(from);
    if (names.size() > 1) {
      throw new ExtensionConfigurationException("@LakebaseTestBranch(from = \"" + from + "\"): "
          + "branch " + from + " declares the databases " + String.join(", ", names) + " ("
          + topology.resource() + "); name the one the test uses: @LakebaseTestBranch(database = \""
          + names.get(0) + "\").");
    }
    return names.stream().findFirst();
  }

  /** The databases the topology declares on {@code branchId}: a copy of it has them all. */
  List<String> databasesOn(String branchId) {
    return topology.databasesOn(branchId);
  }

  /**
   * Refuses a database that {@code from} does not declare: a branch made from it would not have
   * it. {@code databricks_postgres}, which every branch has, is always accepted.
   */
  void requireDatabase(String from, String database) {
    if (database.equals(OfflineLakebase.DATABASE) || databasesOn(from).contains(database)) {
      return;
    }
    throw new ExtensionConfigurationException("@LakebaseTestBranch(database = \"" + database
        + "\"): branch " + from + " declares no database \"" + database + "\" (declared: "
        + (databasesOn(from).isEmpty() ? "none" : String.join(", ", databasesOn(from))) + "; from "
        + topology.resource() + "). Use a declared database or " + OfflineLakebase.DATABASE + ".");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
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
}
