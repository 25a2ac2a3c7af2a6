package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "expiry")
final class Expiry {
  @Branch(replaceExisting = true, ttl = "P1D") // expect-error: LakeforgeExpiry
  static final String PRODUCTION = "production";
  @Branch(protect = true, ttl = "P7D") // expect-error: LakeforgeExpiry
  static final String STAGING = "staging";
  @Branch(ttl = "P7D") // expect-error: LakeforgeExpiry
  static final String PARENT = "parent";
  @Branch(from = "parent") static final String CHILD = "child";
  @Branch(ttl = "PT12H") // expect-warning: LakeforgeExpiringBranch
  static final String LEAF = "leaf";
}
