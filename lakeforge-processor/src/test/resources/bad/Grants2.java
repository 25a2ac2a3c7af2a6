package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Grant;
import io.lakeforge.annotations.LakebaseProject;

@LakebaseProject(id = "grants-two", historyRetention = "P2D", defaultSuspendTimeout = "never",
    grants = {@Grant(level = Grant.Level.CAN_USE, user = "alice"), // expect-error: LakeforgeGrant // expect-error: LakeforgeVariable // expect-error: LakeforgeGrant
        @Grant(level = Grant.Level.CAN_MANAGE, group = "${var.x y}"), @Grant(level = Grant.Level.CAN_USE, group = "g"), @Grant(level = Grant.Level.CAN_MANAGE, group = "g")})
final class Grants2 {
  @Branch static final String DEV = "dev";
}
