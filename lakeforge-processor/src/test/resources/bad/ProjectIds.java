package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "My_Project", accessorName = "class", pgVersion = 15) // expect-error: LakeforgeProjectId // expect-error: LakeforgeAccessorName // expect-warning: LakeforgePgVersion
final class ProjectIds {
  @Branch static final String DEV = "dev";
}
