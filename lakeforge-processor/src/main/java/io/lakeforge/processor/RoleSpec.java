package io.lakeforge.processor;

import java.util.List;

/**
 * One {@code @Role} as written.
 *
 * @param constantName Java constant ({@code APP})
 * @param id the role id ({@code app-role})
 * @param identity {@code SERVICE_PRINCIPAL}, {@code USER} or {@code GROUP}
 * @param postgresRole the identity's name, or a {@code ${var.name}} reference
 * @param superuser member of {@code DATABRICKS_SUPERUSER}
 * @param createdb {@code CREATEDB}
 * @param createrole {@code CREATEROLE}
 * @param bypassrls {@code BYPASSRLS}
 * @param branches the listed branch ids; empty for every branch
 */
record RoleSpec(
    String constantName,
    String id,
    String identity,
    String postgresRole,
    boolean superuser,
    boolean createdb,
    boolean createrole,
    boolean bypassrls,
    List<String> branches) {

  RoleSpec {
    branches = List.copyOf(branches);
  }

  /** The branch ids the role is declared on, in topology order. */
  List<String> branchIds(Topology topology) {
    return topology.branches().stream()
        .map(BranchSpec::id)
        .filter(id -> branches.isEmpty() || branches.contains(id))
        .toList();
  }

  /** Bundle resource key on a branch; {@code __} keeps keys unique, ids have no underscore. */
  String key(String branchId) {
    return key(branchId, id);
  }

  static String key(String branchId, String roleId) {
    return "role_" + Ids.sanitize(branchId) + "__" + Ids.sanitize(roleId);
  }
}
