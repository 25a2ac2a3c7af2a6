package io.lakeforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.processor.ProjectSettings.GrantSpec;
import io.lakeforge.processor.ProjectSettings.TagSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Roles, databases and project settings on the model, message by message, with the boundaries
 * the bundle schema gives (each rule's source is in docs/topology.md).
 */
class AccessValidatorTest {

  private static final String SP = "6f1d6c2e-0a4b-4c5d-9e8f-1a2b3c4d5e6f";

  private static BranchSpec branch(String id) {
    return BranchSpec.builder(BranchSpec.constantName(id), id).build();
  }

  private static RoleSpec role(String id, String identity, String name, String... branches) {
    return new RoleSpec("R", id, identity, name, false, false, false, false, List.of(branches));
  }

  private static DatabaseSpec database(String id, String name, String owner, String... branches) {
    return new DatabaseSpec("D", id, name, owner, List.of(branches));
  }

  private static Topology topology(List<RoleSpec> roles, List<DatabaseSpec> databases,
      ProjectSettings settings) {
    return new Topology("p", "Branches", 0, "t.T", List.of(branch("dev"), branch("staging")),
        roles, databases, settings);
  }

  private static List<Problem> problems(Topology topology) {
    return TopologyValidator.validate(topology, "-Alakeforge.branches").problems();
  }

  private static List<Problem> roles(RoleSpec... roles) {
    return problems(topology(List.of(roles), List.of(), ProjectSettings.NONE));
  }

  private static List<Problem> databases(DatabaseSpec... databases) {
    return problems(topology(List.of(role("app-role", "GROUP", "app")), List.of(databases),
        ProjectSettings.NONE));
  }

  private static List<Problem> settings(ProjectSettings settings) {
    return problems(topology(List.of(), List.of(), settings));
  }

  private static ProjectSettings grants(GrantSpec... grants) {
    return new ProjectSettings(List.of(grants), List.of(), "", "", "", false);
  }

  private static String only(List<Problem> problems) {
    assertEquals(1, problems.size(), problems::toString);
    return problems.get(0).message();
  }

  @ParameterizedTest
  @ValueSource(strings = {"abcd", "a1-2", "a12345678901234567890123456789012345678901234567890123456789012"})
  void roleAndDatabaseIdsOfFourToSixtyThreeCharactersAreValid(String id) {
    assertEquals(List.of(), roles(role(id, "GROUP", "g")));
    assertEquals(List.of(), databases(database(id, "", "app-role")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "a", "Abcd", "1abc", "abc-", "ab_cd",
      "a123456789012345678901234567890123456789012345678901234567890123"})
  void otherRoleAndDatabaseIdsAreRefused(String id) {
    String role = only(roles(role(id, "GROUP", "g")));
    assertTrue(role.startsWith(Rule.ROLE_ID.tag() + " @Role R: role id \"" + id + "\" is not a"
        + " valid Lakebase role id: role and database ids are 4-63 characters"), role);
    List<Problem> database = databases(database(id, "db", "app-role"));
    assertEquals(Rule.DATABASE_ID, database.get(0).rule(), database::toString);
  }

  @Test
  void aRoleIdSuggestionIsOfferedOnlyWhenItIsLongEnough() {
    assertTrue(only(roles(role("App-Role", "GROUP", "g"))).endsWith(" Did you mean \"app-role\"?"));
    assertTrue(only(roles(role("A_B", "GROUP", "g"))).endsWith("not ending with a hyphen."));
  }

  @Test
  void hintsAreOnlyCloseAndLongEnough() {
    assertTrue(only(roles(role("ABCD", "GROUP", "g"))).endsWith(" Did you mean \"abcd\"?"));
    String far = only(databases(database("orders", "", "app-r")));
    assertTrue(far.endsWith("or name one."), "three edits away is no hint: " + far);
    String near = only(databases(database("orders", "", "app-ro")));
    assertTrue(near.endsWith("Did you mean \"app-role\"?"), near);
  }

  @Test
  void aServicePrincipalIsAnApplicationIdOrAVariable() {
    assertEquals(List.of(), roles(role("app-role", "SERVICE_PRINCIPAL", SP)));
    assertEquals(List.of(), roles(role("app-role", "SERVICE_PRINCIPAL", "${var.app_principal}")));
    assertEquals(List.of(), roles(role("app-role", "SERVICE_PRINCIPAL", "${var.app-principal2}")));
    String message = only(roles(role("app-role", "SERVICE_PRINCIPAL", "my-app")));
    assertTrue(message.startsWith(Rule.ROLE_IDENTITY.tag() + " @Role R: postgresRole \"my-app\""
        + " is not a service principal's application id (a UUID)"), message);
    assertEquals("postgresRole", roles(role("app-role", "SERVICE_PRINCIPAL", "x")).get(0).attribute());
  }

  @Test
  void aUserIsAnEmailAddressAndAGroupAnyName() {
    assertEquals(List.of(), roles(role("dba-role", "USER", "dba@example.com")));
    assertEquals(List.of(), roles(role("readers", "GROUP", "data readers")));
    assertTrue(only(roles(role("dba-role", "USER", "dba"))).contains("is not a user name (an"
        + " e-mail address)"));
    assertTrue(only(roles(role("dba-role", "USER", "a b@example.com"))).contains("user name"));
  }

  @Test
  void aBlankIdentityNameIsRefusedWithWhatToWrite() {
    String message = only(roles(role("readers", "GROUP", "  ")));
    assertTrue(message.contains("postgresRole is empty") && message.contains("group name"),
        message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"${var.}", "${app}", "x${var.app}", "${var.app}x", "${var.a b}",
      "${var.1app}", "${bundle.target}"})
  void anythingButOneWholeVariableReferenceIsRefused(String value) {
    List<Problem> problems = roles(role("app-role", "SERVICE_PRINCIPAL", value));
    assertEquals(Rule.VARIABLE, problems.get(0).rule(), problems::toString);
    assertEquals(1, problems.size(), problems::toString);
  }

  @Test
  void oneIdentityOnceOnABranchButOnDisjointBranchesTwice() {
    assertEquals(List.of(), roles(role("bob-dev", "USER", "bob@example.com", "dev"),
        role("bob-staging", "USER", "bob@example.com", "staging")));
    String message = only(roles(role("bob-dev", "USER", "bob@example.com", "dev"),
        role("bob-all", "USER", "bob@example.com")));
    assertTrue(message.startsWith(Rule.DUPLICATE_ACCESS.tag() + " @Role R: postgresRole"
        + " \"bob@example.com\" is already declared by @Role R on the same branch"), message);
  }

  @Test
  void aBranchListNamesDeclaredBranchesOnce() {
    String typo = only(roles(role("readers", "GROUP", "g", "stagin")));
    assertTrue(typo.endsWith("Did you mean \"staging\"?"), typo);
    assertTrue(only(roles(role("readers", "GROUP", "g", "prod"))).endsWith("for every branch."));
    assertTrue(only(roles(role("readers", "GROUP", "g", "dev", "dev"))).contains("twice"));
    assertEquals("branches", roles(role("readers", "GROUP", "g", "x")).get(0).attribute());
  }

  @Test
  void everyBranchUnlessListed() {
    Topology t = topology(List.of(role("all-role", "GROUP", "g"),
        role("dev-role", "GROUP", "h", "staging", "dev")), List.of(), ProjectSettings.NONE);
    assertEquals(List.of("dev", "staging"), t.roles().get(0).branchIds(t));
    assertEquals(List.of("dev", "staging"), t.roles().get(1).branchIds(t), "topology order");
  }

  @Test
  void aDatabaseNameDefaultsToItsIdWithUnderscores() {
    assertEquals("order_history", database("order-history", "", "x").postgresName());
    assertEquals("orders", database("order-history", "orders", "x").postgresName());
  }

  @ParameterizedTest
  @CsvSource({"Orders,orders", "1orders,_1orders", "order-items,order_items", "$x,_$x"})
  void aDatabaseNameIsALowercaseIdentifierWithASuggestion(String name, String suggestion) {
    String message = only(databases(database("orders", name, "app-role")));
    assertTrue(message.startsWith(Rule.POSTGRES_NAME.tag() + " @Database D: database name \""
        + name + "\" is not a lowercase Postgres identifier"), message);
    assertTrue(message.endsWith("Write name = \"" + suggestion + "\"."), message);
  }

  @Test
  void aDatabaseNameOfSixtyThreeCharactersIsTheLongest() {
    String longest = "a" + "b".repeat(62);
    assertEquals(List.of(), databases(database("orders", longest, "app-role")));
    String tooLong = only(databases(database("orders", longest + "c", "app-role")));
    assertTrue(tooLong.endsWith("Write name = \"" + longest + "\"."), tooLong);
    assertEquals(List.of(), databases(database("orders", "_x$1", "app-role")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "template0", "template1", "databricks_postgres"})
  void databasesEveryBranchHasCannotBeCreated(String name) {
    assertTrue(only(databases(database("orders", name, "app-role")))
        .contains("already exists on every branch"));
  }

  @Test
  void aDatabaseIsOwnedByADeclaredRoleOnItsBranches() {
    String typo = only(databases(database("orders", "", "app-rol")));
    assertTrue(typo.startsWith(Rule.DATABASE_OWNER.tag() + " @Database D: owner \"app-rol\""
        + " names no @Role of this project"), typo);
    assertTrue(typo.endsWith("Did you mean \"app-role\"?"), typo);
    List<Problem> elsewhere = problems(topology(List.of(role("app-role", "GROUP", "g", "dev")),
        List.of(database("orders", "", "app-role", "staging")), ProjectSettings.NONE));
    assertEquals(Rule.DATABASE_OWNER, elsewhere.get(0).rule(), elsewhere::toString);
    assertEquals("branches", elsewhere.get(0).attribute());
    assertEquals(1, elsewhere.size());
  }

  @Test
  void aDatabaseFollowsItsOwnerUnlessListed() {
    Topology t = topology(List.of(role("app-role", "GROUP", "g", "staging")),
        List.of(database("orders", "", "app-role"), database("lost", "", "nobody")),
        ProjectSettings.NONE);
    assertEquals(List.of("staging"), t.databases().get(0).branchIds(t));
    assertEquals(List.of(), t.databases().get(1).branchIds(t));
  }

  @Test
  void databaseIdsAndNamesAreUniquePerBranch() {
    assertEquals(Rule.DUPLICATE_ACCESS, databases(database("orders", "a", "app-role"),
        database("orders", "b", "app-role")).get(0).rule());
    String name = only(databases(database("orders", "same", "app-role"),
        database("reports", "same", "app-role")));
    assertTrue(name.contains("database name \"same\" is already declared"), name);
  }

  @Test
  void aGrantNamesExactlyOnePrincipal() {
    assertEquals(List.of(), settings(grants(new GrantSpec("CAN_USE", "readers", "", ""),
        new GrantSpec("CAN_MANAGE", "", "a@example.com", ""),
        new GrantSpec("CAN_MANAGE", "", "", SP),
        new GrantSpec("CAN_USE", "", "", "${var.app_principal}"))));
    assertTrue(only(settings(grants(new GrantSpec("CAN_USE", "", "", ""))))
        .contains("names 0 principals"));
    assertTrue(only(settings(grants(new GrantSpec("CAN_USE", "g", "u@x", "")))).contains(
        "names 2 principals"));
    Problem p = settings(grants(new GrantSpec("CAN_USE", "g", "", SP))).get(0);
    assertEquals("grants", p.attribute());
    assertEquals(null, p.subject());
  }

  @Test
  void aGrantIsChecked() {
    assertTrue(only(settings(grants(new GrantSpec("CAN_USE", "", "", "app"))))
        .contains("is not an application id"));
    assertTrue(only(settings(grants(new GrantSpec("CAN_USE", "", "alice", ""))))
        .contains("is not a user name"));
    assertEquals(Rule.VARIABLE, settings(grants(new GrantSpec("CAN_USE", "${x}", "", "")))
        .get(0).rule());
    assertTrue(only(settings(grants(new GrantSpec("CAN_USE", "g", "", ""),
        new GrantSpec("CAN_MANAGE", "g", "", "")))).contains("is granted twice"));
    assertEquals(List.of(), settings(grants(new GrantSpec("CAN_USE", "g", "", ""),
        new GrantSpec("CAN_USE", "", "g@x", ""))));
  }

  @Test
  void tagsHaveUniqueNonEmptyKeys() {
    ProjectSettings blank = new ProjectSettings(List.of(), List.of(new TagSpec(" ", "v")), "", "",
        "", false);
    assertTrue(only(settings(blank)).contains("has an empty key"));
    ProjectSettings twice = new ProjectSettings(List.of(),
        List.of(new TagSpec("team", "a"), new TagSpec("team", "b")), "", "", "", false);
    assertTrue(only(settings(twice)).contains("\"team\" is used twice"));
    ProjectSettings variable = new ProjectSettings(List.of(),
        List.of(new TagSpec("team", "${var.team}"), new TagSpec("cost", "${team}")), "", "", "",
        false);
    assertEquals(Rule.VARIABLE, settings(variable).get(0).rule());
    assertEquals(1, settings(variable).size());
  }

  @Test
  void aBudgetPolicyMayBeAVariable() {
    assertEquals(List.of(), settings(new ProjectSettings(List.of(), List.of(), "${var.budget}",
        "", "", false)));
    assertEquals(List.of(), settings(new ProjectSettings(List.of(), List.of(), "policy-1", "", "",
        false)));
    assertEquals("budgetPolicyId", settings(new ProjectSettings(List.of(), List.of(),
        "${budget}", "", "", false)).get(0).attribute());
  }

  @ParameterizedTest
  @CsvSource({"P2D,true", "PT172799S,false", "P35D,true", "PT840H1S,false", "PT48H0.5S,false",
      "two days,false"})
  void historyRetentionIsTwoToThirtyFiveDays(String value, boolean valid) {
    List<Problem> problems = settings(new ProjectSettings(List.of(), List.of(), "", value, "",
        false));
    assertEquals(valid, problems.isEmpty(), problems::toString);
    if (!valid) {
      assertTrue(only(problems).startsWith(Rule.HISTORY_RETENTION.tag()
          + " @LakebaseProject historyRetention \"" + value + "\""));
    }
  }

  @ParameterizedTest
  @CsvSource({"PT60S,true", "PT59S,false", "P7D,true", "PT604801S,false", "never,true",
      "Never,false", "PT60.5S,false"})
  void suspendTimeoutIsOneMinuteToSevenDaysOrNever(String value, boolean valid) {
    List<Problem> problems = settings(new ProjectSettings(List.of(), List.of(), "", "", value,
        false));
    assertEquals(valid, problems.isEmpty(), problems::toString);
    if (!valid) {
      assertTrue(only(problems).startsWith(Rule.SUSPEND_TIMEOUT.tag()
          + " @LakebaseProject defaultSuspendTimeout \"" + value + "\" is not a suspend timeout"));
      assertEquals("defaultSuspendTimeout", problems.get(0).attribute());
    }
  }
}
