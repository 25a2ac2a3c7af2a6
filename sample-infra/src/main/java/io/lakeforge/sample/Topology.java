package io.lakeforge.sample;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

/**
 * The sample Lakebase topology. {@code ./mvnw package} turns it into {@code resources/lakebase.yml}
 * and the typed accessor {@link Branches}.
 */
@LakebaseProject(id = "lakeforge-main")
final class Topology {

  /** Day-to-day development; never expires. */
  @Branch static final String DEV = "dev";

  /** Integration testing, protected from deletion and reset. */
  @Branch(protect = true)
  static final String STAGING = "staging";

  /**
   * A release rehearsal branched from staging. It expires after a week, and the next deploy
   * creates it again from staging (the build warns: [LakeforgeExpiringBranch]).
   */
  @Branch(ttl = "P7D", from = "staging", minCu = 0.5, maxCu = 4)
  static final String PRE_PROD = "pre-prod";

  private Topology() {}
}
