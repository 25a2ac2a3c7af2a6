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
  @Branch(ttl = "P30D")
  static final String LONGEST = "longest";
}
