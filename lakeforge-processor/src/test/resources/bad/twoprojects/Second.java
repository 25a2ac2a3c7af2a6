package bad.twoprojects;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "shared") // expect-error: LakeforgeDuplicateProject // expect-error: LakeforgeDuplicateAccessor
final class Second {
  @Branch static final String DEV = "dev";
}
