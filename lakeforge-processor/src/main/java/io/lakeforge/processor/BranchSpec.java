package io.lakeforge.processor;

import io.lakeforge.annotations.BranchRef;
import java.time.Duration;
import java.util.Locale;

/**
 * One branch and its read-only endpoint, with the {@code @Branch} attributes as written.
 *
 * @param constantName Java constant in the accessor ({@code PRE_PROD})
 * @param id the Lakebase branch id ({@code pre-prod})
 * @param ttl ISO-8601 duration, or empty for no expiry
 * @param protect whether the branch is protected
 * @param from id of the branch to branch from, or empty for the project default
 * @param readOnlyEndpoint id of the read-only endpoint
 * @param minCu minimum CU, or 0 for {@code ${var.lakebase_min_cu}}
 * @param maxCu maximum CU, or 0 for {@code ${var.lakebase_max_cu}}
 * @param replaceExisting take over an existing {@code production} branch or {@code primary} endpoint
 * @param extra whether the branch came from a branch list rather than a {@code @Branch} constant
 */
record BranchSpec(
    String constantName,
    String id,
    String ttl,
    boolean protect,
    String from,
    String readOnlyEndpoint,
    double minCu,
    double maxCu,
    boolean replaceExisting,
    boolean extra) {

  static final String DEFAULT_READ_ONLY_ENDPOINT = "readonly";

  static BranchSpec extra(String id) {
    return new BranchSpec(
        constantName(id), id, "", false, "", DEFAULT_READ_ONLY_ENDPOINT, 0, 0, false, true);
  }

  /** The accessor constant for an id that has no declared constant: {@code pre-prod → PRE_PROD}. */
  static String constantName(String id) {
    return Ids.sanitize(id).toUpperCase(Locale.ROOT);
  }

  /** Bundle resource key of the branch: {@code pre-prod → branch_pre_prod}. */
  String branchKey() {
    return branchKey(id);
  }

  /** Bundle resource key of a branch id. */
  static String branchKey(String branchId) {
    return "branch_" + Ids.sanitize(branchId);
  }

  /** Bundle resource key of the read-only endpoint: {@code endpoint_pre_prod_readonly}. */
  String endpointKey() {
    return "endpoint_" + Ids.sanitize(id) + "_" + Ids.sanitize(readOnlyEndpoint);
  }

  boolean hasTtl() {
    return !ttl.isEmpty();
  }

  /** The TTL; only call on a validated spec with {@link #hasTtl()}. */
  Duration ttlDuration() {
    return Duration.parse(ttl);
  }

  BranchRef ref(String projectId) {
    return new BranchRef(projectId, id, BranchRef.PRIMARY, readOnlyEndpoint);
  }
}
