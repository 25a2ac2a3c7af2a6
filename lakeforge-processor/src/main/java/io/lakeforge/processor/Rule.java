package io.lakeforge.processor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalogue of topology rules: each rule's tag, its severity and, for a warning, the key that
 * suppresses it. Every message starts with its rule's tag, e.g. {@code [LakeforgeBranchId]}, so
 * users can grep for it and tests can assert on it. A rule whose tag was renamed keeps the old one
 * as an alias for one release: its messages name it, and suppression accepts it.
 */
enum Rule {
  PROJECT_ID("LakeforgeProjectId"),
  ACCESSOR_NAME("LakeforgeAccessorName"),
  BRANCH_ID("LakeforgeBranchId"),
  ENDPOINT_ID("LakeforgeEndpointId"),
  DUPLICATE_BRANCH("LakeforgeDuplicateBranch"),
  KEY_COLLISION("LakeforgeKeyCollision"),
  BRANCH_FIELD("LakeforgeBranchField"),
  /** A {@code @Branch}, {@code @Role} or {@code @Database} outside a project class. */
  OUTSIDE_PROJECT("LakeforgeOutsideProject", Severity.ERROR, "LakeforgeOrphanBranch"),
  RESERVED_NAME("LakeforgeReservedName"),
  SOURCE_BRANCH("LakeforgeSourceBranch"),
  CAPACITY("LakeforgeCapacity"),
  /** A read-only endpoint setting (suspendTimeout, pgSettings) on a branch without one. */
  NO_READ_ONLY_ENDPOINT("LakeforgeNoReadOnlyEndpoint", Severity.ERROR, "LakeforgeCapacity"),
  TTL("LakeforgeTtl"),
  EXPIRY("LakeforgeExpiry"),
  PROTECTED_BRANCH("LakeforgeProtectedBranch"),
  EXPIRING_BRANCH("LakeforgeExpiringBranch", Severity.WARNING, null),
  ROOT_BRANCH("LakeforgeRootBranch"),
  ONE_PROJECT("LakeforgeOneProject"),
  BRANCH_COUNT("LakeforgeBranchCount", Severity.WARNING, null),
  PG_VERSION("LakeforgePgVersion", Severity.WARNING, null),
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
  LIFECYCLE("LakeforgeLifecycle", Severity.WARNING, null),
  INTERNAL("LakeforgeInternal");

  /** What a problem of the rule does to the build. */
  enum Severity { ERROR, WARNING }

  /** The prefix of every suppression key: {@code @SuppressWarnings("lakeforge:expiring-branch")}. */
  static final String KEY_PREFIX = "lakeforge:";

  /** The key that suppresses every LakeForge warning. */
  static final String ALL = "lakeforge";

  private final String tag;
  private final Severity severity;
  private final String formerTag;

  Rule(String tag) {
    this(tag, Severity.ERROR, null);
  }

  Rule(String tag, Severity severity, String formerTag) {
    this.tag = tag;
    this.severity = severity;
    this.formerTag = formerTag;
  }

  /** The bracketed tag that starts every message of this rule. */
  String tag() {
    return "[" + tag + "]";
  }

  /** A message of this rule: its tag, the text, and the former tag while it is an alias. */
  String message(String text) {
    return tag() + " " + text
        + formerTag().map(t -> " (This check was tagged " + t + " before 0.2.)").orElse("");
  }

  Severity severity() {
    return severity;
  }

  boolean error() {
    return severity == Severity.ERROR;
  }

  /** The tag this rule's problems had before it was renamed, as an alias, or empty. */
  Optional<String> formerTag() {
    return Optional.ofNullable(formerTag).map(t -> "[" + t + "]");
  }

  /**
   * The suppression key of a warning, {@code lakeforge:expiring-branch}: the tag without
   * {@code Lakeforge}, in lower case with hyphens.
   */
  String key() {
    return KEY_PREFIX + tag.substring("Lakeforge".length())
        .replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /**
   * Whether {@code name} suppresses this rule: {@code lakeforge} (every warning), the key with or
   * without {@code lakeforge:}, or the tag ({@code LakeforgeExpiringBranch}, its former tag too).
   */
  boolean suppressedBy(String name) {
    if (error()) {
      return false;
    }
    String n = name.strip();
    return n.equals(ALL) || n.equals(key()) || (KEY_PREFIX + n).equals(key())
        || n.equals(tag) || n.equals(formerTag);
  }

  /** The warnings, for documentation and for checking suppression names. */
  static Rule[] warnings() {
    return Arrays.stream(values()).filter(r -> !r.error()).toArray(Rule[]::new);
  }
}
