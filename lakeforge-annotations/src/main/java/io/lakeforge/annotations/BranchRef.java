package io.lakeforge.annotations;

import java.util.Objects;

/**
 * A typed handle to one Lakebase branch and its two endpoints, as generated into the
 * {@code Branches} accessor. Holds only identifiers, never a host or a credential.
 *
 * @param projectId the project id, e.g. {@code lakeforge-main}
 * @param branchId the branch id, e.g. {@code pre-prod}
 * @param readWriteEndpointId the read-write endpoint id ({@code primary})
 * @param readOnlyEndpointId the read-only endpoint id (default {@code readonly}), or empty when the
 *     branch declares no read-only endpoint
 * @param database the Postgres name of the first {@link Database @Database} declared on the
 *     branch, the database a context for this handle connects to unless told otherwise; empty when
 *     the topology declares none there
 */
public record BranchRef(
    String projectId,
    String branchId,
    String readWriteEndpointId,
    String readOnlyEndpointId,
    String database) {

  /** The read-write endpoint id Lakebase creates with every branch. */
  public static final String PRIMARY = "primary";

  /** Checks that no identifier is null. */
  public BranchRef {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(readWriteEndpointId, "readWriteEndpointId");
    Objects.requireNonNull(readOnlyEndpointId, "readOnlyEndpointId");
    Objects.requireNonNull(database, "database");
  }

  /**
   * A branch whose topology declares no database on it.
   *
   * @param projectId the project id
   * @param branchId the branch id
   * @param readWriteEndpointId the read-write endpoint id ({@code primary})
   * @param readOnlyEndpointId the read-only endpoint id, or empty for none
   */
  public BranchRef(
      String projectId, String branchId, String readWriteEndpointId, String readOnlyEndpointId) {
    this(projectId, branchId, readWriteEndpointId, readOnlyEndpointId, "");
  }

  /** Whether the topology declares a database on this branch ({@link #database()}). */
  public boolean hasDatabase() {
    return !database.isEmpty();
  }

  /** {@code projects/<p>/branches/<b>}. */
  public String branchPath() {
    return "projects/" + projectId + "/branches/" + branchId;
  }

  /** {@code projects/<p>/branches/<b>/endpoints/<read-write endpoint>}. */
  public String readWriteEndpointPath() {
    return branchPath() + "/endpoints/" + readWriteEndpointId;
  }

  /** Whether the branch declares a read-only endpoint. */
  public boolean hasReadOnlyEndpoint() {
    return !readOnlyEndpointId.isEmpty();
  }

  /**
   * {@code projects/<p>/branches/<b>/endpoints/<read-only endpoint>}.
   *
   * @throws IllegalStateException if the branch declares no read-only endpoint
   */
  public String readOnlyEndpointPath() {
    if (!hasReadOnlyEndpoint()) {
      throw new IllegalStateException("branch " + branchId + " of project " + projectId
          + " declares no read-only endpoint; use its read-write endpoint, or declare one with"
          + " @Branch(readOnlyEndpoint = \"readonly\")");
    }
    return branchPath() + "/endpoints/" + readOnlyEndpointId;
  }

  /**
   * The same branch in another project, for deployments whose {@code project_name} differs from
   * the annotation's default.
   *
   * @param otherProjectId the project id of that deployment
   * @return this branch in that project
   */
  public BranchRef withProjectId(String otherProjectId) {
    return new BranchRef(
        otherProjectId, branchId, readWriteEndpointId, readOnlyEndpointId, database);
  }
}
