package io.lakeforge.processor;

/**
 * The catalogue of topology rules. Every message starts with its rule's tag, e.g.
 * {@code [LakeforgeBranchId]}, so users can grep for it and tests can assert on it.
 */
enum Rule {
  PROJECT_ID("LakeforgeProjectId"),
  ACCESSOR_NAME("LakeforgeAccessorName"),
  BRANCH_ID("LakeforgeBranchId"),
  ENDPOINT_ID("LakeforgeEndpointId"),
  DUPLICATE_BRANCH("LakeforgeDuplicateBranch"),
  KEY_COLLISION("LakeforgeKeyCollision"),
  BRANCH_FIELD("LakeforgeBranchField"),
  ORPHAN_BRANCH("LakeforgeOrphanBranch"),
  RESERVED_NAME("LakeforgeReservedName"),
  SOURCE_BRANCH("LakeforgeSourceBranch"),
  CAPACITY("LakeforgeCapacity"),
  TTL("LakeforgeTtl"),
  EXPIRY("LakeforgeExpiry"),
  EXPIRING_BRANCH("LakeforgeExpiringBranch"),
  ROOT_BRANCH("LakeforgeRootBranch"),
  ONE_PROJECT("LakeforgeOneProject"),
  BRANCH_COUNT("LakeforgeBranchCount"),
  PG_VERSION("LakeforgePgVersion"),
  ROLE_ID("LakeforgeRoleId"),
  ROLE_IDENTITY("LakeforgeRoleIdentity"),
  DATABASE_ID("LakeforgeDatabaseId"),
  POSTGRES_NAME("LakeforgePostgresName"),
  DATABASE_OWNER("LakeforgeDatabaseOwner"),
  ACCESS_BRANCHES("LakeforgeAccessBranches"),
  DUPLICATE_ACCESS("LakeforgeDuplicateAccess"),
  VARIABLE("LakeforgeVariable"),
  GRANT("LakeforgeGrant"),
  TAG("LakeforgeTag"),
  SUSPEND_TIMEOUT("LakeforgeSuspendTimeout"),
  HISTORY_RETENTION("LakeforgeHistoryRetention"),
  HIGH_AVAILABILITY("LakeforgeHighAvailability"),
  PG_SETTINGS("LakeforgePgSettings"),
  LIFECYCLE("LakeforgeLifecycle"),
  INTERNAL("LakeforgeInternal");

  private final String tag;

  Rule(String tag) {
    this.tag = tag;
  }

  /** The bracketed tag that starts every message of this rule. */
  String tag() {
    return "[" + tag + "]";
  }
}
