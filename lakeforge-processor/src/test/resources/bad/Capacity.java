package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "capacity")
final class Capacity {
  @Branch(minCu = 0.25) // expect-error: LakeforgeCapacity
  static final String TOO_SMALL = "too-small";
  @Branch(maxCu = 65) // expect-error: LakeforgeCapacity
  static final String TOO_BIG = "too-big";
  @Branch(minCu = 8,
      maxCu = 4) // expect-error: LakeforgeCapacity
  static final String INVERTED = "inverted";
  @Branch(minCu = 1,
      maxCu = 18) // expect-error: LakeforgeCapacity
  static final String TOO_WIDE = "too-wide";
  @Branch(minCu = 1.5) // expect-error: LakeforgeCapacity
  static final String HALF_STEP = "half-step";
  @Branch(minCu = 1, maxCu = 17)
  static final String WIDEST = "widest";
}
