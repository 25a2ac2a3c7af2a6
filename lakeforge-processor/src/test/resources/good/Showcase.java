package good;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

/** Every @Branch option in one valid topology. */
@LakebaseProject(id = "showcase", accessorName = "Lakes", pgVersion = 16)
final class Showcase {
  @Branch(replaceExisting = true, protect = true)
  static final String PRODUCTION = "production";

  @Branch(from = "production", minCu = 2, maxCu = 8)
  static final String STAGING = "staging";

  @Branch(ttl = "PT12H", from = "staging", readOnlyEndpoint = "reports", minCu = 0.5, maxCu = 2)
  static final String FEATURE_LOGIN = "feature-login";

  @Branch static final String QA = "qa";
}
