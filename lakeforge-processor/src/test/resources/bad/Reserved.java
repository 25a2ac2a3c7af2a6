package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "reserved")
final class Reserved {
  @Branch static final String PRODUCTION = "production"; // expect-error: LakeforgeReservedName
  @Branch(readOnlyEndpoint = "primary") // expect-error: LakeforgeReservedName
  static final String DEV = "dev";
  @Branch(readOnlyEndpoint = "primary", replaceExisting = true) // expect-error: LakeforgeReservedName
  static final String QA = "qa";
}
