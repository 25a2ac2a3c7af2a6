package bad.twoprojects;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "second") // expect-error: LakeforgeOneProject
final class Second {
  @Branch static final String DEV = "dev";
}
