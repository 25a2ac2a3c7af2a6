package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.runtime.BranchInfo;
import io.lakeforge.spring.LakeforgeAutoConfiguration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootContextLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue 20: {@code @LakebaseTestBranch} on a {@code @SpringBootTest} gives the application the
 * {@code lakeforge.*} properties of the class's branch, so the application's DataSource is on the
 * branch (its database and host, the minted credential) with no property copied by hand and no
 * GRANT; the context is the class's own and is closed after it, then the branch is deleted.
 */
class SpringBranchTest {

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({LakeforgeAutoConfiguration.class, DataSourceAutoConfiguration.class})
  static class App {}

  static volatile ConfigurableApplicationContext seenContext;
  static volatile BranchInfo seenBranch;
  static volatile Map<String, Object> seenProperties;

  /** As a {@code @SpringBootTest(classes = App.class)} class reads (see {@link SpringTestContext}). */
  @LakebaseTestBranch(project = "kit-topology", from = "staging")
  @ExtendWith(SpringTestContext.class)
  @ContextConfiguration(classes = App.class, loader = SpringBootContextLoader.class)
  static class OnABranch {
    @Autowired DataSource application;
    @Autowired Environment environment;
    @Autowired ConfigurableApplicationContext context;

    @Test
    void theApplicationsDataSourceIsTheBranchs(BranchInfo info, DSLContext kit) throws Exception {
      seenContext = context;
      seenBranch = info;
      seenProperties = Map.copyOf(((MapPropertySource) context.getEnvironment().getPropertySources()
          .get(LakebaseContextCustomizerFactory.PROPERTY_SOURCE)).getSource());
      kit.execute("create table made_by_the_test (id int)");
      try (Connection c = application.getConnection(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("select current_database(), current_user,"
              + " inet_server_addr()::text, to_regclass('public.made_by_the_test') is not null")) {
        r.next();
        assertEquals("shop", r.getString(1), "the declared database of staging");
        assertEquals(OfflineLakebase.ROLE, r.getString(2));
        assertEquals(info.host() + "/32", r.getString(3), "the branch's own server");
        assertTrue(r.getBoolean(4), "the same branch as the kit's DSLContext");
        s.execute("create table made_by_the_application (id int)");
      }
      assertEquals(info.ref().readWriteEndpointPath(),
          environment.getProperty("lakeforge.endpoint"));
      assertEquals("shop", environment.getProperty("lakeforge.database"));
    }
  }

  @LakebaseTestBranch(project = "kit-topology", scope = LakebaseTestBranch.Scope.METHOD)
  @ExtendWith(SpringTestContext.class)
  @ContextConfiguration(classes = App.class, loader = SpringBootContextLoader.class)
  static class BranchPerMethod {
    @Test
    void neverRuns() {
      throw new AssertionError("a Spring context for a branch per method");
    }
  }

  private static List<String> failures;

  @BeforeAll
  static void runTheSpringClass() {
    failures = DatabaseRuleTest.failures(DatabaseRuleTest.run(OnABranch.class));
  }

  @Test
  void theApplicationRunsOnTheBranchWithoutAPropertyOrGrantByHand() {
    assertEquals(List.of(), failures);
    assertNotNull(seenContext);
  }

  @Test
  void itsContextIsClosedAfterTheClassAndThenTheBranchIsDeleted() {
    assertNotNull(seenContext, failures.toString());
    assertFalse(seenContext.isActive(), "closed after the class");
    assertFalse(OfflineLakebase.get().emulator().hasBranch(seenBranch.branchPath()),
        "deleted after the class");
    assertTrue(TestBranch.openFor(OnABranch.class).isEmpty());
  }

  @Test
  void thePropertiesHoldNoSecret() {
    assertNotNull(seenProperties, failures.toString());
    assertEquals(Set.of("lakeforge.endpoint", "lakeforge.database", "lakeforge.host",
        "lakeforge.port", "lakeforge.user", "lakeforge.ssl-mode"), seenProperties.keySet());
    for (String secret : OfflineLakebase.get().emulator().secrets()) {
      for (Object value : seenProperties.values()) {
        assertFalse(value.toString().contains(secret));
      }
    }
  }

  @Test
  void aBranchPerMethodIsRefusedForASpringContextThatLivesForTheClass() {
    List<String> refused = DatabaseRuleTest.failures(DatabaseRuleTest.run(BranchPerMethod.class));
    assertEquals(1, refused.size(), refused.toString());
    assertTrue(refused.get(0).contains("scope = METHOD") && refused.get(0).contains("Use scope ="
        + " CLASS"), refused.get(0));
  }
}
