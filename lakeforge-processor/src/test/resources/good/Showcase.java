package good;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

/** Every @Branch option in one valid topology. */
@LakebaseProject(id = "showcase", accessorName = "Lakes", pgVersion = 16)
final class Showcase {
  @Branch(replaceExisting = true, protect = true, primaryMinCu = 1, primaryMaxCu = 8)
  static final String PRODUCTION = "production";

  @Branch(from = "production", minCu = 2, maxCu = 8)
  static final String STAGING = "staging";

  @Branch(ttl = "PT12H", from = "staging", readOnlyEndpoint = "reports", minCu = 0.5, maxCu = 2)
  static final String FEATURE_LOGIN = "feature-login";

  @Branch static final String QA = "qa";

  /** No read-only endpoint; an id that YAML 1.1 would read as a boolean. */
  @Branch(readOnlyEndpoint = "", primaryMinCu = 0.5, primaryMaxCu = 2)
  static final String NO = "no";
}
