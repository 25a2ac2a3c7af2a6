package io.lakeforge.annotations;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A typed handle to a declared {@link Role @Role}, as generated into the accessor. Holds no
 * Postgres role name: for an identity that name is the identity LakeForge authenticates as.
 *
 * @param roleId the role id, e.g. {@code app-role}
 * @param identity the kind of Databricks identity the role binds
 * @param branchIds ids of the branches the role is declared on
 */
public record RoleRef(String roleId, Identity identity, Set<String> branchIds) {

  /** Checks that nothing is null and copies the branch ids. */
  public RoleRef {
    Objects.requireNonNull(roleId, "roleId");
    Objects.requireNonNull(identity, "identity");
    branchIds = Set.copyOf(branchIds);
  }

  /**
   * Whether the role is declared on this branch.
   *
   * @param branch a branch of the same topology
   * @return {@code true} if the role exists there once deployed
   */
  public boolean isOn(BranchRef branch) {
    return branchIds.contains(branch.branchId());
  }

  /**
   * {@code projects/<p>/branches/<b>/roles/<role>}.
   *
   * @param branch a branch the role is declared on
   * @return the role's resource name on that branch
   * @throws IllegalArgumentException if the role is not declared on {@code branch}
   */
  public String rolePath(BranchRef branch) {
    if (!isOn(branch)) {
      throw new IllegalArgumentException("role " + roleId + " is not declared on branch "
          + branch.branchId() + "; it is on " + new TreeSet<>(branchIds)
          + ". Add the branch to @Role(branches).");
    }
    return branch.branchPath() + "/roles/" + roleId;
  }
}
