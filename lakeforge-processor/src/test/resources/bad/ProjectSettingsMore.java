package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Grant;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Tag;

@LakebaseProject(id = "settings-more",
    grants = {@Grant(level = Grant.Level.CAN_USE, group = "a", user = "b@example.com")}, // expect-error: LakeforgeGrant
    tags = {@Tag(key = "team", value = "a"), @Tag(key = "team", value = "b")}, // expect-error: LakeforgeTag
    historyRetention = "P36D") // expect-error: LakeforgeHistoryRetention
final class ProjectSettingsMore {
  @Branch static final String DEV = "dev";
}
