package bad.twoprojects;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "shared")
final class First {
  @Branch static final String DEV = "dev";
}
