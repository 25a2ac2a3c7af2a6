package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;

/** The accessor's nested class of role handles is called Roles. */
@LakebaseProject(id = "nested", accessorName = "Roles") // expect-error: LakeforgeAccessorName
final class AccessorNested {
  @Branch static final String DEV = "dev";
  @Role(identity = Identity.GROUP, postgresRole = "g") static final String READERS = "readers";
}
