package io.lakeforge.sample.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.sample.Branches;
import io.lakeforge.testing.LakebaseContextCustomizerFactory;
import io.lakeforge.testing.LakebaseTestBranch;
import io.lakeforge.testing.OfflineLakebase;
import io.lakeforge.testing.SourceBranch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample started for real (Tomcat on a random port) on its own test branch of {@code dev}
 * (the kit's offline Lakebase: embedded PostgreSQL and the Databricks emulator): Flyway migrates
 * the topology's {@code orders} database, HTTP requests read and write, health is UP with the
 * credential's expiry and the meters show the pool and the refreshes. The kit gives the
 * application every {@code lakeforge.*} property of the branch and the branch's database is owned
 * by the application's role, so nothing is set or granted by hand. Credentials live their normal
 * hour: how health follows a failing or expired credential is driven by the clock in the
 * starter's {@code LakebaseHealthIndicatorTest}, not raced here.
 *
 * <p>With JUnit 6 (Boot 4's default) the same class reads {@code @SpringBootTest(classes =
 * SampleApplication.class, webEnvironment = RANDOM_PORT)} and needs no initializer: the kit's
 * context customizer does the same. This build pins JUnit 5.14, on which Spring Framework 7's
 * {@code SpringExtension} cannot run, so the test starts the application itself.
 */
@LakebaseTestBranch(project = Branches.PROJECT_ID, from = Branches.Ids.DEV)
class SampleApplicationTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static ConfigurableApplicationContext context;
  private static String base;

  @BeforeAll
  static void start() {
    SpringApplication app = SampleApplication.application();
    app.addInitializers(LakebaseContextCustomizerFactory.initializer(SampleApplicationTest.class));
    context = app.run("--server.port=0");
    base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void migratesServesReadsAndWritesOnItsBranchThenReportsHealthAndMeters(BranchRef branch,
      SourceBranch dev) throws Exception {
    LakebasePool pool = context.getBean(LakebasePool.class);
    assertThat(pool.endpoint()).isEqualTo(branch.readWriteEndpointPath());
    // The declared database of dev, for every bean: Flyway migrated the one the context queries.
    assertThat(branch.database()).isEqualTo("orders");
    assertThat(pool.dsl().fetchValue(DSL.currentCatalog())).isEqualTo("orders");
    assertThat(context.getBean(Lakebase.class).readWrite(branch)
        .fetchCount(DSL.table("notes"))).isGreaterThanOrEqualTo(0);

    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/notes"))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("hello from Spring")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(get("/notes").body()).contains("hello from Spring");
    assertThat(get("/notes/count").body()).isEqualTo("1");
    // The branch's migration and writes stay on the branch.
    assertThat(dev.dsl().fetchValue("select to_regclass('public.notes')::text")).isNull();

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"lakebase\"").contains("\"status\":\"UP\"")
        .contains("credentialExpiresIn");
    for (String secret : OfflineLakebase.get().emulator().secrets()) {
      assertThat(health.body()).doesNotContain(secret);
    }

    String refreshes = get("/actuator/metrics/lakeforge.credential.refreshes?tag=result:success"
        + "&tag=branch:" + branch.branchId()).body();
    assertThat(valueOf(refreshes)).isGreaterThanOrEqualTo(1);
    assertThat(get("/actuator/metrics/lakeforge.pool.connections.max").body()).contains("10.0");
    assertThat(get("/actuator/metrics").body()).contains("lakeforge.credential.validity.remaining",
        "lakeforge.pool.acquisition", "lakeforge.pool.connections.login");
  }

  private static double valueOf(String metricJson) {
    assertThat(metricJson).contains("\"value\":");
    int i = metricJson.indexOf("\"value\":") + "\"value\":".length();
    int j = i;
    while (j < metricJson.length() && "0123456789.E-".indexOf(metricJson.charAt(j)) >= 0) {
      j++;
    }
    return Double.parseDouble(metricJson.substring(i, j));
  }
}
