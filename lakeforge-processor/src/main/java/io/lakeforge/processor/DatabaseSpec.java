package io.lakeforge.processor;

import java.util.List;

/**
 * One {@code @Database} as written.
 *
 * @param constantName Java constant ({@code ORDERS})
 * @param id the database id ({@code orders})
 * @param name the Postgres database name as written, empty for the default
 * @param owner the owning role's id
 * @param branches the listed branch ids; empty for every branch of the owner
 */
record DatabaseSpec(
    String constantName, String id, String name, String owner, List<String> branches) {

  DatabaseSpec {
    branches = List.copyOf(branches);
  }

  /** {@code postgres_database}: the name as written, else the id with {@code -} as {@code _}. */
  String postgresName() {
    return name.isEmpty() ? id.replace('-', '_') : name;
  }

  /** The branch ids the database is declared on, in topology order. */
  List<String> branchIds(Topology topology) {
    RoleSpec owner = topology.role(this.owner);
    List<String> ownerBranches =
        owner == null ? List.of() : owner.branchIds(topology);
    return ownerBranches.stream()
        .filter(id -> branches.isEmpty() || branches.contains(id))
        .toList();
  }

  String key(String branchId) {
    return "database_" + Ids.sanitize(branchId) + "__" + Ids.sanitize(id);
  }
}
