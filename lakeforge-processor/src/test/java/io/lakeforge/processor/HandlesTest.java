package io.lakeforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.DatabaseRef;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.RoleRef;
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
}
