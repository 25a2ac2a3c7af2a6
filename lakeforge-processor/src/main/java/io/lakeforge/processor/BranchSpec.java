package io.lakeforge.processor;

import io.lakeforge.annotations.BranchRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One branch and its endpoints, with the {@code @Branch} attributes as written.
 *
 * @param constantName Java constant in the accessor ({@code PRE_PROD})
 * @param id the Lakebase branch id ({@code pre-prod})
 * @param ttl ISO-8601 duration, or empty for no expiry
 * @param protect whether the branch is protected
 * @param from id of the branch to branch from, or empty for the project default
 * @param readOnlyEndpoint id of the read-only endpoint, or empty for none
 * @param minCu minimum CU of the read-only endpoint, or 0 for {@code ${var.lakebase_min_cu}}
 * @param maxCu maximum CU of the read-only endpoint, or 0 for {@code ${var.lakebase_max_cu}}
 * @param primaryMinCu minimum CU of the read-write endpoint {@code primary}, or 0 to leave it alone
 * @param primaryMaxCu maximum CU of the read-write endpoint {@code primary}, or 0 to leave it alone
 * @param replaceExisting take over an existing branch with this id ({@code production})
 * @param extra whether the branch came from a branch list rather than a {@code @Branch} constant
 * @param suspendTimeout suspend timeout of the read-only endpoint: ISO-8601, {@code never} or empty
 * @param primarySuspendTimeout suspend timeout of {@code primary}: ISO-8601, {@code never} or empty
 * @param primaryComputes computes behind {@code primary} (HA group), or 0 to leave it alone
 * @param primaryPgSettings {@code name=value} entries for {@code primary}
 * @param pgSettings {@code name=value} entries for the read-only endpoint
 * @param allowDestroy leave {@code lifecycle.prevent_destroy} off a protected branch
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
    double primaryMinCu,
    double primaryMaxCu,
    boolean replaceExisting,
    boolean extra,
    String suspendTimeout,
    String primarySuspendTimeout,
    int primaryComputes,
    List<String> primaryPgSettings,
    List<String> pgSettings,
    boolean allowDestroy) {

  static final String DEFAULT_READ_ONLY_ENDPOINT = "readonly";

  BranchSpec {
    primaryPgSettings = List.copyOf(primaryPgSettings);
    pgSettings = List.copyOf(pgSettings);
  }

  /** A branch from a branch list ({@code CUSTOM_BRANCHES}, {@code -Alakeforge.branches}). */
  static BranchSpec extra(String id) {
    return builder(constantName(id), id).extra(true).build();
  }

  /** A branch with every attribute at its {@code @Branch} default. */
  static Builder builder(String constantName, String id) {
    return new Builder(constantName, id);
  }

  /** The {@code @Branch} attributes one by one, each starting at the annotation's default. */
  static final class Builder {
    private final String constantName;
    private final String id;
    private String ttl = "";
    private boolean protect;
    private String from = "";
    private String readOnlyEndpoint = DEFAULT_READ_ONLY_ENDPOINT;
    private double minCu;
    private double maxCu;
    private double primaryMinCu;
    private double primaryMaxCu;
    private boolean replaceExisting;
    private boolean extra;
    private String suspendTimeout = "";
    private String primarySuspendTimeout = "";
    private int primaryComputes;
    private List<String> primaryPgSettings = List.of();
    private List<String> pgSettings = List.of();
    private boolean allowDestroy;

    private Builder(String constantName, String id) {
      this.constantName = constantName;
      this.id = id;
    }

    Builder ttl(String v) { ttl = v; return this; }
    Builder protect(boolean v) { protect = v; return this; }
    Builder from(String v) { from = v; return this; }
    Builder readOnlyEndpoint(String v) { readOnlyEndpoint = v; return this; }
    Builder minCu(double v) { minCu = v; return this; }
    Builder maxCu(double v) { maxCu = v; return this; }
    Builder primaryMinCu(double v) { primaryMinCu = v; return this; }
    Builder primaryMaxCu(double v) { primaryMaxCu = v; return this; }
    Builder replaceExisting(boolean v) { replaceExisting = v; return this; }
    Builder extra(boolean v) { extra = v; return this; }
    Builder suspendTimeout(String v) { suspendTimeout = v; return this; }
    Builder primarySuspendTimeout(String v) { primarySuspendTimeout = v; return this; }
    Builder primaryComputes(int v) { primaryComputes = v; return this; }
    Builder primaryPgSettings(List<String> v) { primaryPgSettings = v; return this; }
    Builder pgSettings(List<String> v) { pgSettings = v; return this; }
    Builder allowDestroy(boolean v) { allowDestroy = v; return this; }

    BranchSpec build() {
      return new BranchSpec(constantName, id, ttl, protect, from, readOnlyEndpoint, minCu, maxCu,
          primaryMinCu, primaryMaxCu, replaceExisting, extra, suspendTimeout,
          primarySuspendTimeout, primaryComputes, primaryPgSettings, pgSettings, allowDestroy);
    }
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

  /** Bundle resource key of an endpoint of this branch: {@code endpoint_pre_prod_readonly}. */
  String endpointKey(String endpointId) {
    return "endpoint_" + Ids.sanitize(id) + "_" + Ids.sanitize(endpointId);
  }

  boolean hasReadOnlyEndpoint() {
    return !readOnlyEndpoint.isEmpty();
  }

  /** Whether the branch declares settings for its read-write endpoint {@code primary}. */
  boolean hasPrimarySettings() {
    return primaryMinCu != 0 || primaryMaxCu != 0 || !primarySuspendTimeout.isEmpty()
        || primaryComputes != 0 || !primaryPgSettings.isEmpty();
  }

  /** Whether the bundle must never destroy this branch: protected, unless allowed. */
  boolean preventDestroy() {
    return protect && !allowDestroy;
  }

  boolean hasTtl() {
    return !ttl.isEmpty();
  }

  /** The TTL; only call on a validated spec with {@link #hasTtl()}. */
  Duration ttlDuration() {
    return Duration.parse(ttl);
  }

  /** The endpoints this branch declares: {@code primary} when it has settings, then the read-only one. */
  List<EndpointSpec> endpoints() {
    List<EndpointSpec> endpoints = new ArrayList<>(2);
    if (hasPrimarySettings()) {
      endpoints.add(new EndpointSpec(this, BranchRef.PRIMARY, true, primaryMinCu, primaryMaxCu,
          primarySuspendTimeout, primaryComputes, primaryPgSettings));
    }
    if (hasReadOnlyEndpoint()) {
      endpoints.add(new EndpointSpec(this, readOnlyEndpoint, false, minCu, maxCu, suspendTimeout,
          0, pgSettings));
    }
    return endpoints;
  }
}
