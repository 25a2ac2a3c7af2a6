package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "capacity") // expect-warning: LakeforgeBranchCount
final class Capacity {
  @Branch(minCu = 0.25, // expect-error: LakeforgeCapacity
      maxCu = 2)
  static final String TOO_SMALL = "too-small";
  @Branch(minCu = 60,
      maxCu = 65) // expect-error: LakeforgeCapacity
  static final String TOO_BIG = "too-big";
  @Branch(minCu = 8,
      maxCu = 4) // expect-error: LakeforgeCapacity
  static final String INVERTED = "inverted";
  @Branch(minCu = 1,
      maxCu = 18) // expect-error: LakeforgeCapacity
  static final String TOO_WIDE = "too-wide";
  @Branch(minCu = 1.5, // expect-error: LakeforgeCapacity
      maxCu = 4)
  static final String HALF_STEP = "half-step";
  @Branch(minCu = 1, maxCu = 17)
  static final String WIDEST = "widest";
  @Branch(minCu = 16) // expect-error: LakeforgeCapacity
  static final String MIN_ONLY = "min-only";
  @Branch(maxCu = 2) // expect-error: LakeforgeCapacity
  static final String MAX_ONLY = "max-only";
  @Branch(readOnlyEndpoint = "", minCu = 1, maxCu = 2) // expect-error: LakeforgeCapacity
  static final String NO_READ_ONLY = "no-read-only";
  @Branch(primaryMinCu = 4) // expect-error: LakeforgeCapacity
  static final String PRIMARY_MIN_ONLY = "primary-min-only";
  @Branch(primaryMinCu = 0.5,
      primaryMaxCu = 32) // expect-error: LakeforgeCapacity
  static final String PRIMARY_TOO_WIDE = "primary-too-wide";
  @Branch(primaryMinCu = 0.5, primaryMaxCu = 16.5, // expect-error: LakeforgeCapacity
      readOnlyEndpoint = "")
  static final String PRIMARY_HALF_STEP = "primary-half-step";
}
