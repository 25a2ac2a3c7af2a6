package io.lakeforge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakeforge.micrometer.LakebaseMetrics;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Every condition of the auto-configuration, against PostgreSQL and the emulator. */
class LakeforgeAutoConfigurationTest {

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LakeforgeAutoConfiguration.class,
          LakebaseHealthAutoConfiguration.class, LakebaseMetricsAutoConfiguration.class,
          DataSourceAutoConfiguration.class));

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  /** Lakebase's owner role may create tables in public; PostgreSQL 15+ needs the grant. */
  @org.junit.jupiter.api.BeforeAll
  static void grantSchema() throws Exception {
    TestLakebase env = TestLakebase.get();
    try (Connection c = env.superuser(TestLakebase.DATABASE).getConnection();
        var s = c.createStatement()) {
      s.execute("grant all on schema public to \"" + TestLakebase.ROLE + "\"");
    }
  }

  /** The test server, TLS off (loopback only), small timeouts; the endpoint is set separately. */
  private String[] server() {
    return new String[] {
        "lakeforge.host=127.0.0.1", "lakeforge.port=" + env.port(),
        "lakeforge.database=" + TestLakebase.DATABASE, "lakeforge.user=" + TestLakebase.ROLE,
        "lakeforge.ssl-mode=disable", "lakeforge.acquisition-timeout=10s",
        "lakeforge.api-timeout=2s", "lakeforge.api-backoff=20ms", "lakeforge.close-grace=2s"};
  }

  private ApplicationContextRunner withEndpoint() {
    return runner.withPropertyValues(server())
        .withPropertyValues("lakeforge.endpoint=" + TestLakebase.ENDPOINT)
        .withBean(WorkspaceClient.class, env::client);
  }

  @Test
  void withoutAnEndpointThereIsNoLakeforgeDataSource() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LakeforgeAutoConfiguration.class))
        .withPropertyValues(server()).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(LakebasePool.class);
      assertThat(context).doesNotHaveBean(LakebaseHealthIndicator.class);
      assertThat(context).hasSingleBean(Lakebase.class);
    });
  }

  @Test
  void anEndpointGivesAPooledDataSourceThatLogsInWithTheApplicationsClient() {
    withEndpoint().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(DataSource.class)).isInstanceOf(LakebasePool.class);
      LakebasePool pool = context.getBean(LakebasePool.class);
      assertThat(pool.dsl().fetchValue(DSL.currentUser())).isEqualTo(TestLakebase.ROLE);
      // No DATABRICKS_HOST in this JVM: only the application's client can have reached the emulator.
      assertThat(emulator.credentialCalls()).isEqualTo(1);
      assertThat(context).hasSingleBean(Lakebase.class);
      assertThat(context).hasSingleBean(LakebaseMetrics.class);
    });
  }

  @Test
  void theEndpointComesFromLakebaseEndpointToo() {
    runner.withPropertyValues(server())
        .withPropertyValues("LAKEBASE_ENDPOINT=" + TestLakebase.ENDPOINT)
        .withBean(WorkspaceClient.class, env::client)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(LakebasePool.class).endpoint()).isEqualTo(TestLakebase.ENDPOINT);
        });
  }

  @Test
  void withoutAWorkspaceClientBeanTheSdkDefaultChainIsUsed() {
    // This JVM has no DATABRICKS_HOST: the default chain fails, naming what to set.
    runner.withPropertyValues(server())
        .withPropertyValues("lakeforge.endpoint=" + TestLakebase.ENDPOINT)
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("DATABRICKS_HOST");
        });
  }

  @Test
  void aUserDataSourceReplacesTheStartersButKeepsTheLakebaseBean() {
    DataSource mine = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
    withEndpoint().withBean("myDataSource", DataSource.class, () -> mine).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(DataSource.class)).isSameAs(mine);
      assertThat(context).doesNotHaveBean(LakebasePool.class);
      assertThat(context).doesNotHaveBean(LakebaseHealthIndicator.class);
      assertThat(context).doesNotHaveBean(LakebaseMetrics.class);
      assertThat(emulator.credentialCalls()).isZero();
      // Branch contexts still come from the Lakebase bean.
      Lakebase lakebase = context.getBean(Lakebase.class);
      assertThat(lakebase.readWrite(new io.lakeforge.annotations.BranchRef("lakeforge-main",
          "dev", "primary", "", TestLakebase.DATABASE)).fetchValue(DSL.currentUser()))
          .isEqualTo(TestLakebase.ROLE);
    });
  }

  @Test
  void propertiesAndEnvironmentVariablesAreBound() {
    withEndpoint().withPropertyValues("lakeforge.max-size=7", "LAKEBASE_POOL_MIN_SIZE=2",
            "lakeforge.apiAttempts=3", "lakeforge.jdbc-properties.tcpKeepAlive=true",
            "lakeforge.application-name=starter-test")
        .run(context -> {
          assertThat(context).hasNotFailed();
          LakebaseConfig config = context.getBean(LakebaseConfig.class);
          assertThat(config.maxSize()).isEqualTo(7);
          assertThat(config.minSize()).isEqualTo(2);
          assertThat(config.apiAttempts()).isEqualTo(3);
          assertThat(config.acquisitionTimeout()).isEqualTo(Duration.ofSeconds(10));
          assertThat(config.get(io.lakeforge.runtime.LakebaseSettings.JDBC_PROPERTIES))
              .containsEntry("tcpKeepAlive", "true");
          assertThat(context.getBean(LakebasePool.class).dsl()
              .fetchValue(DSL.field("current_setting('application_name')", String.class)))
              .isEqualTo("starter-test");
        });
  }

  @Test
  void anInvalidPropertyFailsNamingIt() {
    withEndpoint().withPropertyValues("lakeforge.max-size=0").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lakeforge.max-size");
    });
  }

  @Test
  void jooqAndFlywayRunOnTheLakeforgeDataSource() {
    withEndpoint()
        .withConfiguration(AutoConfigurations.of(JooqAutoConfiguration.class,
            FlywayAutoConfiguration.class))
        .withPropertyValues("spring.flyway.table=starter_flyway_history")
        .run(context -> {
          assertThat(context).hasNotFailed();
          DSLContext dsl = context.getBean(DSLContext.class);
          dsl.execute("insert into starter_notes(body) values ('hello')");
          assertThat(dsl.fetchCount(DSL.table("starter_notes"))).isPositive();
          assertThat(dsl.fetchValue(DSL.currentUser())).isEqualTo(TestLakebase.ROLE);
          assertThat(context.getBean(LakebasePool.class).stats().connectionsCreated()).isPositive();
        });
  }

  @Test
  void hikariOnRequest() {
    withEndpoint().withPropertyValues("lakeforge.pool=hikari", "lakeforge.max-size=3")
        .run(context -> {
          assertThat(context).hasNotFailed();
          HikariDataSource hikari = context.getBean(HikariDataSource.class);
          assertThat(hikari.getMaximumPoolSize()).isEqualTo(3);
          assertThat(context).doesNotHaveBean(LakebasePool.class);
          try (Connection c = hikari.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
          }
          assertThat(context.getBean(LakebaseHealthIndicator.class).health().getStatus())
              .isEqualTo(Status.UP);
        });
  }

  @Test
  void metersAreRegisteredByTheBinderBean() {
    withEndpoint().run(context -> {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      context.getBean(LakebaseMetrics.class).bindTo(registry);
      context.getBean(LakebasePool.class).dsl().fetchValue(DSL.inline(1));
      assertThat(registry.get(LakebaseMetrics.REFRESHES).tag("result", "success")
          .tag("branch", "dev").functionCounter().count()).isEqualTo(1);
    });
  }

  @Test
  void healthIsItsOwnAutoConfigurationAndAnswersFromState() {
    withEndpoint().run(context -> {
      Health up = context.getBean(LakebaseHealthIndicator.class).health();
      assertThat(up.getStatus()).isEqualTo(Status.UP);
      assertThat(up.getDetails()).containsEntry("state", "serving").containsKeys("credentialAge",
          "credentialExpiresIn", "active", "idle", "pending", "max");
    });
    withEndpoint().withPropertyValues("management.health.lakebase.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(LakebaseHealthIndicator.class));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LakeforgeAutoConfiguration.class,
            LakebaseHealthAutoConfiguration.class))
        .withPropertyValues(server()).withBean(WorkspaceClient.class, env::client)
        .run(context -> assertThat(context).doesNotHaveBean(LakebaseHealthIndicator.class));
  }

  @Test
  void closingTheContextWaitsForBorrowedConnectionsThenClosesEverything() throws Exception {
    CompletableFuture<Void> returned = new CompletableFuture<>();
    String app = TestLakebase.applicationName("starter-close");
    withEndpoint().withPropertyValues("lakeforge.application-name=" + app).run(context -> {
      Connection borrowed = context.getBean(LakebasePool.class).getConnection();
      CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(300);
          borrowed.createStatement().execute("select 1");
          borrowed.close();
          returned.complete(null);
        } catch (Exception e) {
          returned.completeExceptionally(e);
        }
      });
    });
    // The context closed while the connection was borrowed; close-grace let it finish its work.
    returned.get(5, TimeUnit.SECONDS);
    assertThat(env.sessionsAfterClose(app)).isZero();
  }

  @Test
  void everySettingIsAPropertyInTheGeneratedMetadata() throws Exception {
    String json;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("metadata generated at build time").isNotNull();
      json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    List<io.lakeforge.runtime.Setting<?>> all = io.lakeforge.runtime.LakebaseSettings.all();
    for (io.lakeforge.runtime.Setting<?> s : all) {
      String name = LakeforgeProperties.property(s);
      assertThat(json).contains("{\"name\": \"" + name + "\"");
      for (String variable : s.environmentVariables()) {
        assertThat(json).contains(variable);
      }
    }
    assertThat(json.split("\"name\": \"lakeforge\\.", -1)).hasSize(all.size() + 2);
    assertThat(json).isEqualTo(ConfigurationMetadata.json());
  }
}
