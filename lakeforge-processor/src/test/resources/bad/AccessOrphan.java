package bad;

import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.Role;

final class AccessOrphan {
  @Role(identity = Identity.GROUP, postgresRole = "g") static final String LOST = "lost-role"; // expect-error: LakeforgeOutsideProject
  @Database(owner = "lost-role") static final String GONE = "gone"; // expect-error: LakeforgeOutsideProject
}
