package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "ttls")
final class Ttls {
  @Branch(ttl = "P0D") // expect-error: LakeforgeTtl
  static final String ZERO = "zero";
  @Branch(ttl = "-PT1H") // expect-error: LakeforgeTtl
  static final String NEGATIVE = "negative";
  @Branch(ttl = "PT720H1S") // expect-error: LakeforgeTtl
  static final String TOO_LONG = "too-long";
  @Branch(ttl = "7 days") // expect-error: LakeforgeTtl
  static final String PROSE = "prose";
  @Branch(ttl = "PT0.5S") // expect-error: LakeforgeTtl
  static final String SUB_SECOND = "sub-second";
  @Branch(ttl = "PT1.5S") // expect-error: LakeforgeTtl
  static final String FRACTION = "fraction";
  @Branch(ttl = "P30D") // expect-warning: LakeforgeExpiringBranch
  static final String LONGEST = "longest";
  @Branch(ttl = "PT1S") // expect-warning: LakeforgeExpiringBranch
  static final String SHORTEST = "shortest";
}
