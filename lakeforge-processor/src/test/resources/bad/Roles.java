package bad;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;

@LakebaseProject(id = "roles")
final class Roles {
  @Branch static final String DEV = "dev";
  @Branch static final String STAGING = "staging";

  @Role(identity = Identity.GROUP, postgresRole = "g") static final String SHORT = "abc"; // expect-error: LakeforgeRoleId
  @Role(identity = Identity.GROUP, postgresRole = "g4") static final String SHORTEST = "abcd";
  @Role(identity = Identity.GROUP, postgresRole = "g2") static final String UPPER = "App-Role"; // expect-error: LakeforgeRoleId
  @Role(identity = Identity.GROUP, postgresRole = "g3") static final String TRAILING = "app-"; // expect-error: LakeforgeRoleId
  @Role(identity = Identity.GROUP, postgresRole = "g5") static final String TOO_LONG = "a123456789012345678901234567890123456789012345678901234567890123"; // expect-error: LakeforgeRoleId
  @Role(identity = Identity.GROUP, postgresRole = "g6") static final String LONGEST = "a12345678901234567890123456789012345678901234567890123456789012";
  @Role(identity = Identity.GROUP, postgresRole = "g7") static final String AGAIN = "abcd"; // expect-error: LakeforgeDuplicateAccess

  @Role(identity = Identity.SERVICE_PRINCIPAL,
      postgresRole = "my-app") // expect-error: LakeforgeRoleIdentity
  static final String NOT_UUID = "not-uuid";
  @Role(identity = Identity.USER,
      postgresRole = "alice") // expect-error: LakeforgeRoleIdentity
  static final String NOT_EMAIL = "not-email";
  @Role(identity = Identity.GROUP,
      postgresRole = " ") // expect-error: LakeforgeRoleIdentity
  static final String BLANK = "blank";
  @Role(identity = Identity.SERVICE_PRINCIPAL,
      postgresRole = "${app_principal}") // expect-error: LakeforgeVariable
  static final String NOT_VAR = "not-var";
  @Role(identity = Identity.SERVICE_PRINCIPAL,
      postgresRole = "x-${var.app_principal}") // expect-error: LakeforgeVariable
  static final String PARTLY_VAR = "partly-var";
  @Role(identity = Identity.SERVICE_PRINCIPAL, postgresRole = "${var.app_principal}")
  static final String APP = "app-role";
  @Role(identity = Identity.SERVICE_PRINCIPAL,
      postgresRole = "${var.app_principal}") // expect-error: LakeforgeDuplicateAccess
  static final String SAME_IDENTITY = "same-identity";
  @Role(identity = Identity.USER, postgresRole = "bob@example.com", branches = "dev")
  static final String BOB_ON_DEV = "bob-dev";
  @Role(identity = Identity.USER, postgresRole = "bob@example.com", branches = "staging")
  static final String BOB_ON_STAGING = "bob-staging";

  @Role(identity = Identity.GROUP, postgresRole = "g8",
      branches = {"dev", "stagin"}) // expect-error: LakeforgeAccessBranches
  static final String TYPO = "typo";
  @Role(identity = Identity.GROUP, postgresRole = "g9",
      branches = {"dev", "dev"}) // expect-error: LakeforgeAccessBranches
  static final String TWICE = "twice";
}
