package io.lakeforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.DatabaseRef;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.RoleRef;
import com.palantir.javapoet.ClassName;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The typed handles the accessor hands to applications and the runtime. */
class HandlesTest {

  private static final BranchRef DEV = new BranchRef("p", "dev", "primary", "readonly", "orders");
  private static final BranchRef QA = new BranchRef("p", "qa", "primary", "");

  @Test
  void aBranchWithoutADeclaredDatabaseHasNone() {
    assertEquals("", QA.database());
    assertFalse(QA.hasDatabase());
    assertTrue(DEV.hasDatabase());
  }

  @Test
  void anotherProjectKeepsTheBranchsDatabase() {
    assertEquals(new BranchRef("other", "dev", "primary", "readonly", "orders"),
        DEV.withProjectId("other"));
  }

  @Test
  void aDatabaseKnowsItsBranchesAndNamesThemWhenAskedForAnother() {
    DatabaseRef orders = new DatabaseRef("orders", "orders", "app-role", Set.of("dev"));
    assertTrue(orders.isOn(DEV));
    assertFalse(orders.isOn(QA));
    assertEquals("orders", orders.postgresNameOn(DEV));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> orders.postgresNameOn(QA));
    assertEquals("database orders is not declared on branch qa; it is on [dev]. Add the branch to"
        + " @Database(branches) or to its owner's @Role(branches).", e.getMessage());
  }

  @Test
  void aRoleKnowsItsBranchesAndItsPath() {
    RoleRef app = new RoleRef("app-role", Identity.SERVICE_PRINCIPAL, Set.of("dev"));
    assertEquals("projects/p/branches/dev/roles/app-role", app.rolePath(DEV));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> app.rolePath(QA));
    assertEquals("role app-role is not declared on branch qa; it is on [dev]. Add the branch to"
        + " @Role(branches).", e.getMessage());
  }

  @Test
  void eachBranchHandleDefaultsToTheFirstDatabaseDeclaredOnThatBranch() {
    BranchSpec dev = BranchSpec.builder("DEV", "dev").build();
    BranchSpec qa = BranchSpec.builder("QA", "qa").readOnlyEndpoint("").build();
    BranchSpec ci = BranchSpec.builder("CI", "ci").readOnlyEndpoint("").build();
    Topology t = new Topology("p", "Branches", 0, "t.T", List.of(dev, qa, ci),
        List.of(new RoleSpec("APP", "app-role", "GROUP", "g", false, false, false, false,
            List.of("dev", "qa"))),
        List.of(new DatabaseSpec("A", "aaaa", "", "app-role", List.of("dev")),
            new DatabaseSpec("B", "bbbb", "", "app-role", List.of())),
        ProjectSettings.NONE);
    String java = AccessorGenerator.generate(t, "t", ClassName.get("t", "T"), null).toString();
    assertTrue(java.contains("new BranchRef(PROJECT_ID, \"dev\", \"primary\", \"readonly\", \"aaaa\")"),
        java);
    assertTrue(java.contains("new BranchRef(PROJECT_ID, \"qa\", \"primary\", \"\", \"bbbb\")"), java);
    assertTrue(java.contains("new BranchRef(PROJECT_ID, \"ci\", \"primary\", \"\")"), java);
  }

  @Test
  void theAccessorCannotBeNamedAfterItsNestedClasses() {
    BranchSpec dev = BranchSpec.builder("DEV", "dev").readOnlyEndpoint("").build();
    RoleSpec role = new RoleSpec("APP", "app-role", "GROUP", "g", false, false, false, false,
        List.of());
    DatabaseSpec db = new DatabaseSpec("ORDERS", "orders", "", "app-role", List.of());
    for (String name : List.of("Roles", "Databases")) {
      Topology with = new Topology("p", name, 0, "t.T", List.of(dev), List.of(role), List.of(db),
          ProjectSettings.NONE);
      List<Problem> problems = AccessorGenerator.check(with, "x").problems();
      assertEquals(1, problems.size(), problems::toString);
      assertEquals("accessorName", problems.get(0).attribute());
      assertTrue(problems.get(0).message().contains("nested class of " + name.toLowerCase()
          + " handles"), problems.get(0).message());
      Topology without = new Topology("p", name, 0, "t.T", List.of(dev), List.of(), List.of(),
          ProjectSettings.NONE);
      assertEquals(List.of(), AccessorGenerator.check(without, "x").problems());
    }
  }
}
