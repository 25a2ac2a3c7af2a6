package io.lakeforge.sample.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.sample.Branches;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample started for real (Tomcat on a random port) against embedded PostgreSQL and the
 * Databricks emulator: Flyway migrates, HTTP requests read and write, health goes from UP to
 * DOWN when the API stops minting, and the meters show the refreshes.
 */
class SampleApplicationTest {

  private static final TestLakebase ENV = TestLakebase.get();
  private static final DatabricksEmulator EMULATOR = ENV.emulator();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ConfigurableApplicationContext context;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    EMULATOR.reset();
    // Lakebase's owner role may create tables in public; PostgreSQL 15+ needs the grant.
    try (Connection c = ENV.superuser(TestLakebase.DATABASE).getConnection();
        Statement s = c.createStatement()) {
      s.execute("grant all on schema public to \"" + TestLakebase.ROLE + "\"");
      // The topology declares the database orders on dev: the starter's DataSource, Flyway and
      // lakebase.readWrite(Branches.DEV) all use it (no lakeforge.database below).
      try (var r = s.executeQuery("select 1 from pg_database where datname = 'orders'")) {
        if (!r.next()) {
          s.execute("create database orders owner \"" + TestLakebase.ROLE + "\"");
        }
      }
    }
    // Short-lived credentials so that the test sees refreshes, then sees them fail.
    EMULATOR.tokenLifetime(Duration.ofSeconds(4));
    var app = SampleApplication.application();
    WorkspaceClient client = ENV.client();
    app.addInitializers(c -> c.getBeanFactory().registerSingleton("workspaceClient", client));
    context = app.run("--server.port=0", "--lakeforge.host=127.0.0.1",
        "--lakeforge.port=" + ENV.port(), "--lakeforge.user=" + TestLakebase.ROLE,
        "--lakeforge.ssl-mode=disable", "--lakeforge.api-timeout=2s",
        "--lakeforge.api-backoff=20ms", "--lakeforge.api-attempts=2",
        "--lakeforge.refresh-margin=1s", "--lakeforge.max-idle=1s",
        // Connections retire after 2 s, so new logins keep asking for credentials (refreshes).
        "--lakeforge.max-lifetime=2s",
        "--spring.flyway.table=sample_flyway_history");
    base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  @AfterAll
  static void stop() {
    EMULATOR.randomFaults(0, 0, 1);
    EMULATOR.tokenLifetime(Duration.ofHours(1));
    if (context != null) {
      context.close();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void migratesServesReadsAndWritesThenReportsHealthAndMeters() throws Exception {
    LakebasePool pool = context.getBean(LakebasePool.class);
    assertThat(pool.endpoint()).isEqualTo(Branches.DEV.readWriteEndpointPath());
    // One database for every bean: Flyway migrated the one the branch context queries.
    assertThat(context.getBean(io.lakeforge.runtime.Lakebase.class).readWrite(Branches.DEV)
        .fetchCount(org.jooq.impl.DSL.table("notes"))).isGreaterThanOrEqualTo(0);
    assertThat(pool.dsl().fetchValue(org.jooq.impl.DSL.currentCatalog())).isEqualTo("orders");

    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/notes"))
        .POST(HttpRequest.BodyPublishers.ofString("hello from Spring")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(get("/notes").body()).contains("hello from Spring");
    assertThat(get("/notes/count").body()).isNotEqualTo("0");

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"lakebase\"").contains("\"status\":\"UP\"")
        .contains("credentialExpiresIn");

    // The 4 s credential is refreshed in the background while requests run.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (pool.credentialStatus().refreshes() < 2 && System.nanoTime() < end) {
      get("/notes/count");
      Thread.sleep(200);
    }
    String refreshes = get("/actuator/metrics/lakeforge.credential.refreshes?tag=result:success"
        + "&tag=branch:dev").body();
    assertThat(refreshes).contains("\"value\":");
    assertThat(valueOf(refreshes)).isGreaterThanOrEqualTo(2);
    assertThat(get("/actuator/metrics/lakeforge.pool.connections.max").body()).contains("10.0");
    assertThat(get("/actuator/metrics").body()).contains("lakeforge.credential.validity.remaining",
        "lakeforge.pool.acquisition", "lakeforge.pool.connections.login");

    EMULATOR.randomFaults(1.0, 0, 3);
    // Health answers from state, so the test drives the state: requests keep needing new
    // connections (they retire after 2 s), their refreshes fail, the credential expires and the
    // pool empties. Only then is the lakebase component DOWN; until then it says refresh-failing.
    HttpResponse<String> down = get("/actuator/health/lakebase");
    end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (down.statusCode() == 200 && System.nanoTime() < end) {
      get("/notes/count");
      down = get("/actuator/health/lakebase");
      if (down.statusCode() == 200) {
        assertThat(down.body()).containsAnyOf("\"state\":\"serving\"",
            "\"state\":\"refresh-failing\"");
        Thread.sleep(100);
      }
    }
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).contains("\"status\":\"DOWN\"").contains("no-connection")
        .contains("No valid Lakebase credential").contains("lastRefreshError");
    for (String secret : EMULATOR.secrets()) {
      assertThat(down.body()).doesNotContain(secret);
    }
    assertThat(valueOf(get("/actuator/metrics/lakeforge.credential.refreshes?tag=result:failure")
        .body())).isGreaterThanOrEqualTo(1);
  }

  private static double valueOf(String metricJson) {
    int i = metricJson.indexOf("\"value\":") + "\"value\":".length();
    int j = i;
    while (j < metricJson.length() && "0123456789.E-".indexOf(metricJson.charAt(j)) >= 0) {
      j++;
    }
    return Double.parseDouble(metricJson.substring(i, j));
  }
}
