package io.lakeforge.processor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Lakebase project as declared: the single model shared by the annotation processor and the
 * CLI. Values are kept raw (as written by the user) so that validation can quote them back; only a
 * topology whose {@link TopologyValidator report} is clean is handed to the writers.
 *
 * @param projectId the default project id ({@code @LakebaseProject(id)} or {@code PROJECT_NAME})
 * @param accessorName simple name of the generated accessor class
 * @param pgVersion PostgreSQL major version, or 0 to defer to {@code ${var.pg_version}}
 * @param source what the topology was read from, named in the generated header
 * @param branches declared branches first, then extra branches, in declaration order
 * @param roles declared roles, in declaration order
 * @param databases declared databases, in declaration order
 * @param settings project-wide settings
 */
record Topology(
    String projectId,
    String accessorName,
    int pgVersion,
    String source,
    List<BranchSpec> branches,
    List<RoleSpec> roles,
    List<DatabaseSpec> databases,
    ProjectSettings settings) {

  static final String DEFAULT_BRANCH = "dev";

  Topology {
    branches = List.copyOf(branches);
    roles = List.copyOf(roles);
    databases = List.copyOf(databases);
  }

  /** A topology of branches only, as the CLI reads it from the environment. */
  Topology(
      String projectId, String accessorName, int pgVersion, String source,
      List<BranchSpec> branches) {
    this(projectId, accessorName, pgVersion, source, branches, List.of(), List.of(),
        ProjectSettings.NONE);
  }

  /** The first declared role with this id, or {@code null}. */
  RoleSpec role(String roleId) {
    return roles.stream().filter(r -> r.id().equals(roleId)).findFirst().orElse(null);
  }

  /** Each branch's Java constant name mapped to its id, for "did you mean" hints. */
  Map<String, String> branchConstants() {
    Map<String, String> m = new LinkedHashMap<>();
    branches.forEach(b -> m.putIfAbsent(b.constantName(), b.id()));
    return m;
  }

  /** Each role's Java constant name mapped to its id, for "did you mean" hints. */
  Map<String, String> roleConstants() {
    Map<String, String> m = new LinkedHashMap<>();
    roles.forEach(r -> m.putIfAbsent(r.constantName(), r.id()));
    return m;
  }

  /**
   * Splits a comma-separated branch list ({@code CUSTOM_BRANCHES}, {@code -Alakeforge.branches}):
   * entries are trimmed and empty entries ignored. Nothing else is changed, so that validation
   * reports exactly what the user typed.
   */
  static List<String> splitBranchList(String list) {
    List<String> ids = new ArrayList<>();
    if (list == null) {
      return ids;
    }
    for (String part : list.split(",", -1)) {
      String id = part.strip();
      if (!id.isEmpty()) {
        ids.add(id);
      }
    }
    return ids;
  }

  /**
   * Declared branches plus the extra ids; a project left with no branch gets {@code dev}. An extra
   * id that is already declared, or listed twice, is merged: it adds nothing.
   */
  static List<BranchSpec> withExtras(List<BranchSpec> declared, List<String> extraIds) {
    List<BranchSpec> all = new ArrayList<>(declared);
    Set<String> ids = new HashSet<>();
    declared.forEach(b -> ids.add(b.id()));
    for (String id : extraIds) {
      if (ids.add(id)) {
        all.add(BranchSpec.extra(id));
      }
    }
    if (all.isEmpty()) {
      all.add(BranchSpec.extra(DEFAULT_BRANCH));
    }
    return all;
  }
}
