package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Grant;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Tag;

@LakebaseProject(id = "settings",
    grants = {@Grant(level = Grant.Level.CAN_USE)}, // expect-error: LakeforgeGrant
    tags = {@Tag(key = "", value = "x")}, // expect-error: LakeforgeTag
    historyRetention = "P1D", // expect-error: LakeforgeHistoryRetention
    budgetPolicyId = "${var.budget policy}") // expect-error: LakeforgeVariable
final class ProjectSettings {
  @Branch static final String DEV = "dev";
}
