package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Grant;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Tag;

@LakebaseProject(id = "grants",
    grants = {@Grant(level = Grant.Level.CAN_USE, servicePrincipal = "my-app")}, // expect-error: LakeforgeGrant
    tags = {@Tag(key = "team", value = "${var.}")}) // expect-error: LakeforgeVariable
final class Grants {
  @Branch static final String DEV = "dev";
}
