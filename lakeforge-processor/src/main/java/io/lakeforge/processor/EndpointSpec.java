package io.lakeforge.processor;

import java.util.List;

/**
 * One endpoint resource of a branch.
 *
 * @param branch the branch it belongs to
 * @param id the endpoint id ({@code primary}, {@code readonly})
 * @param readWrite {@code true} for the branch's read-write endpoint {@code primary}, which
 *     Lakebase creates with the branch and the bundle takes over; {@code false} for a read-only one
 * @param minCu minimum CU, or 0 for the bundle variable {@code lakebase_min_cu}
 * @param maxCu maximum CU, or 0 for the bundle variable {@code lakebase_max_cu}
 * @param suspendTimeout ISO-8601 duration, {@code never}, or empty for the project's default
 * @param computes computes in the HA group, or 0 for none declared
 * @param pgSettings {@code name=value} entries
 */
record EndpointSpec(BranchSpec branch, String id, boolean readWrite, double minCu, double maxCu,
    String suspendTimeout, int computes, List<String> pgSettings) {

  /** Bundle resource key: {@code endpoint_<branch>_<endpoint>}, with ids sanitized. */
  String key() {
    return branch.endpointKey(id);
  }

  /** The bundle's {@code endpoint_type}. */
  String type() {
    return readWrite ? "ENDPOINT_TYPE_READ_WRITE" : "ENDPOINT_TYPE_READ_ONLY";
  }
}
