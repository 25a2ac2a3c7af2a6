package io.lakeforge.annotations;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A typed handle to a declared {@link Database @Database}, as generated into the accessor, so an
 * application asks for a database by constant instead of by string.
 *
 * @param databaseId the database id, e.g. {@code orders}
 * @param postgresName the database name in Postgres ({@code PGDATABASE}), e.g. {@code orders}
 * @param ownerRoleId the role id of the owning role
 * @param branchIds ids of the branches the database is declared on
 */
public record DatabaseRef(
    String databaseId, String postgresName, String ownerRoleId, Set<String> branchIds) {

  /** Checks that nothing is null and copies the branch ids. */
  public DatabaseRef {
    Objects.requireNonNull(databaseId, "databaseId");
    Objects.requireNonNull(postgresName, "postgresName");
    Objects.requireNonNull(ownerRoleId, "ownerRoleId");
    branchIds = Set.copyOf(branchIds);
  }

  /**
   * Whether the database is declared on this branch.
   *
   * @param branch a branch of the same topology
   * @return {@code true} if the database exists there once deployed
   */
  public boolean isOn(BranchRef branch) {
    return branchIds.contains(branch.branchId());
  }

  /**
   * The Postgres database name to connect to on {@code branch}.
   *
   * @param branch a branch the database is declared on
   * @return {@link #postgresName()}
   * @throws IllegalArgumentException if the database is not declared on {@code branch}, naming
   *     the branches it is declared on
   */
  public String postgresNameOn(BranchRef branch) {
    if (!isOn(branch)) {
      throw new IllegalArgumentException("database " + databaseId + " is not declared on branch "
          + branch.branchId() + "; it is on " + new TreeSet<>(branchIds)
          + ". Add the branch to @Database(branches) or to its owner's @Role(branches).");
    }
    return postgresName;
  }
}
