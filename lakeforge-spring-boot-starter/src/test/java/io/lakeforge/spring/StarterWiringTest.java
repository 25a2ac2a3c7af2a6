package io.lakeforge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The starter's wiring against Boot's own: Hikari properties, the declared database shared by
 * the DataSource, Flyway and branch contexts, and Boot's failure report.
 */
class StarterWiringTest {

  /** The database the test topology (META-INF/lakeforge/lakeforge-main) declares on dev. */
  static final String SHOP = "starter_shop";

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LakeforgeAutoConfiguration.class,
          DataSourceAutoConfiguration.class))
      .withPropertyValues("lakeforge.host=127.0.0.1", "lakeforge.port=" + env.port(),
          "lakeforge.user=" + TestLakebase.ROLE, "lakeforge.ssl-mode=disable",
          "lakeforge.acquisition-timeout=10s", "lakeforge.api-timeout=2s",
          "lakeforge.close-grace=2s", "lakeforge.endpoint=" + TestLakebase.ENDPOINT)
      .withBean(WorkspaceClient.class, env::client);

  @BeforeAll
  static void shop() throws Exception {
    TestLakebase env = TestLakebase.get();
    try (Connection c = env.superuser(TestLakebase.DATABASE).getConnection();
        var s = c.createStatement()) {
      try (var r = s.executeQuery("select 1 from pg_database where datname = '" + SHOP + "'")) {
        if (!r.next()) {
          s.execute("create database " + SHOP + " owner \"" + TestLakebase.ROLE + "\"");
        }
      }
    }
  }

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  @Test
  void hikariPropertiesAreBoundOntoThePoolAsBootDoes() {
    runner.withPropertyValues("lakeforge.database=" + TestLakebase.DATABASE,
            "lakeforge.pool=hikari", "lakeforge.max-size=3",
            "spring.datasource.hikari.maximum-pool-size=5",
            "spring.datasource.hikari.leak-detection-threshold=30000",
            "spring.datasource.hikari.pool-name=orders-pool")
        .run(context -> {
          assertThat(context).hasNotFailed();
          HikariDataSource hikari = context.getBean(HikariDataSource.class);
          assertThat(hikari.getMaximumPoolSize()).isEqualTo(5);
          assertThat(hikari.getLeakDetectionThreshold()).isEqualTo(30000);
          assertThat(hikari.getPoolName()).isEqualTo("orders-pool");
          try (Connection c = hikari.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
          }
        });
  }

  @Test
  void theDataSourceFlywayAndBranchContextsUseTheBranchsDeclaredDatabase() {
    runner.withConfiguration(AutoConfigurations.of(JooqAutoConfiguration.class,
            FlywayAutoConfiguration.class))
        .withPropertyValues("spring.flyway.table=starter_shop_history")
        .run(context -> {
          assertThat(context).hasNotFailed();
          DSLContext boot = context.getBean(DSLContext.class);
          assertThat(boot.fetchValue(DSL.currentCatalog())).isEqualTo(SHOP);
          // The branch context of the same branch sees the table Flyway created.
          DSLContext branch = context.getBean(Lakebase.class)
              .readWrite(new BranchRef("lakeforge-main", "dev", "primary", "", SHOP));
          assertThat(branch.fetchValue(DSL.currentCatalog())).isEqualTo(SHOP);
          assertThat(branch.fetchCount(DSL.table("starter_notes"))).isGreaterThanOrEqualTo(0);
        });
  }

  @Test
  void aDatabasePropertyOverridesTheDeclaredOne() {
    runner.withPropertyValues("lakeforge.database=" + TestLakebase.DATABASE).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(LakebasePool.class).dsl().fetchValue(DSL.currentCatalog()))
          .isEqualTo(TestLakebase.DATABASE);
    });
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({LakeforgeAutoConfiguration.class, DataSourceAutoConfiguration.class})
  static class App {}

  @Test
  void aBadSettingGivesBootsFailureReportNotNestedBeanCreationExceptions() {
    SpringApplication app = new SpringApplication(App.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = System.out;
    java.io.PrintStream err = System.err;
    java.io.PrintStream both = new java.io.PrintStream(captured, true,
        java.nio.charset.StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      app.run("--lakeforge.endpoint=" + TestLakebase.ENDPOINT, "--lakeforge.max-size=0");
    } catch (RuntimeException expected) {
      // Boot reports, then rethrows.
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String output = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    out.println(output);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("lakeforge.max-size").contains("Action:")
        .doesNotContain("BeanCreationException");
  }

  @Test
  void customizersAdjustTheSettingsOfEveryBean() {
    runner.withPropertyValues("lakeforge.database=" + TestLakebase.DATABASE)
        .withBean(LakebaseConfigCustomizer.class, () -> b -> b.set(
            io.lakeforge.runtime.LakebaseSettings.APPLICATION_NAME, "customized-app"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(io.lakeforge.runtime.LakebaseConfig.class)
              .get(io.lakeforge.runtime.LakebaseSettings.APPLICATION_NAME))
              .isEqualTo("customized-app");
          assertThat(context.getBean(LakebasePool.class).dsl().fetchValue(
              DSL.field("current_setting('application_name')", String.class)))
              .isEqualTo("customized-app");
        });
  }

  @Test
  void aServerWithoutTlsGetsAHintAboutSslMode() {
    // The embedded server has no TLS; verify-full asks for it. Flyway connects at start.
    runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
        .withPropertyValues("lakeforge.database=" + TestLakebase.DATABASE,
            "lakeforge.ssl-mode=verify-full", "lakeforge.acquisition-timeout=3s",
            "spring.flyway.table=starter_tls_history")
        .run(context -> {
          assertThat(context).hasFailed();
          var analysis = new LakeforgeFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(analysis).isNotNull();
          assertThat(analysis.getDescription()).startsWith("LakeForge: ");
          assertThat(analysis.getAction()).contains("lakeforge.ssl-mode").contains("PGSSLMODE")
              .contains("lakeforge.fail-fast=false");
        });
  }
}
