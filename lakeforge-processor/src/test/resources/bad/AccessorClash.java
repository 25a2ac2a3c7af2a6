package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "clash", accessorName = "AccessorClash") // expect-error: LakeforgeAccessorName
final class AccessorClash {
  @Branch static final String DEV = "dev";
}
