package io.lakeforge.bench;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.micrometer.LakebaseMetrics;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.spring.LakeforgeAutoConfiguration;
import io.lakeforge.testing.TestLakebase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The sample's query ({@code select count(*) from notes} through jOOQ) through the Spring Boot
 * starter's DataSource against the same query through a hand-built {@link LakebasePool}, both
 * with LakeForge's meters bound to a registry, in the paired interleaved harness. A second row
 * shows Boot's own auto-configured {@code DSLContext} (Spring's transaction-aware proxy and
 * exception translation) on the starter's DataSource, for reference: that cost is Boot's jOOQ
 * integration, not LakeForge's.
 */
final class StarterPath {

  private static final Table<?> NOTES = DSL.table("notes");

  private StarterPath() {}

  static String run() throws Exception {
    prepareTable();
    WorkspaceClient client = BenchEnv.client();
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("bench", Map.of(
        "lakeforge.endpoint", TestLakebase.ENDPOINT, "lakeforge.host", "127.0.0.1",
        "lakeforge.port", Integer.toString(BenchEnv.port()), "lakeforge.database",
        TestLakebase.DATABASE, "lakeforge.user", TestLakebase.ROLE, "lakeforge.ssl-mode",
        "disable")));
    context.registerBean(WorkspaceClient.class, () -> client);
    context.register(LakeforgeAutoConfiguration.class, JooqAutoConfiguration.class);
    context.refresh();
    // A hand-built pool as the LakeForge README shows it, same settings; a separate credential
    // cache would be shared anyway (same endpoint and identity).
    LakebasePool hand = LakebasePool.create(BenchEnv.config().build(), client);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    context.getBean(LakebaseMetrics.class).bindTo(registry);
    LakebaseMetrics.forPool(hand, io.micrometer.core.instrument.Tag.of("pool", "hand"))
        .bindTo(registry);

    DataSource starter = context.getBean(DataSource.class);
    DSLContext starterDsl = DSL.using(starter, SQLDialect.POSTGRES, LakebasePool.jooqSettings());
    DSLContext bootDsl = context.getBean(DSLContext.class);
    Interleaved.Op viaStarter = () -> starterDsl.fetchCount(NOTES);
    Interleaved.Op viaHand = () -> hand.dsl().fetchCount(NOTES);
    Interleaved.Op viaBoot = () -> bootDsl.fetchCount(NOTES);

    StringBuilder out = new StringBuilder();
    out.append("### Spring Boot starter: the sample's query, paired interleaved harness (")
        .append(Interleaved.PAIRS).append(" pairs of ").append(Interleaved.BLOCK.toMillis())
        .append(" ms blocks, meters bound)\n\n");
    out.append(BenchMain.row(List.of("threads", "starter DataSource / hand-built LakebasePool"
        + " (same jOOQ settings)", "Boot's DSLContext on the starter DataSource / hand-built"
        + " LakebasePool.dsl()", "starter ops/s")));
    out.append(BenchMain.row(List.of("---", "---", "---", "---")));
    for (int threads : new int[] {1, 8}) {
      Interleaved.compare(viaStarter, viaHand, threads); // warm-up
      Interleaved.Ratio starterRatio = Interleaved.compare(viaStarter, viaHand, threads);
      Interleaved.Ratio bootRatio = Interleaved.compare(viaBoot, viaHand, threads);
      double seconds = Interleaved.PAIRS * Interleaved.BLOCK.toMillis() / 1000.0;
      out.append(BenchMain.row(List.of(Integer.toString(threads), starterRatio.cell(),
          bootRatio.cell(), String.format("%.0f", starterRatio.candidateOps() / seconds))));
    }
    out.append("\nMeters after the run: ").append(registry.get(LakebaseMetrics.ACQUISITION)
        .tag("kind", "read_write").functionTimers().size()).append(" acquisition timers, ")
        .append((long) registry.get(LakebaseMetrics.CREATED).functionCounters().stream()
            .mapToDouble(c -> c.count()).sum()).append(" connections created.\n\n");
    hand.close();
    context.close();
    return out.toString();
  }

  private static void prepareTable() throws Exception {
    try (Connection c = TestLakebase.get().superuser(TestLakebase.DATABASE).getConnection();
        Statement s = c.createStatement()) {
      s.execute("create table if not exists notes (id bigserial primary key, body text not null)");
      s.execute("grant all on notes to \"" + TestLakebase.ROLE + "\"");
      s.execute("insert into notes(body) select 'note ' || g from generate_series(1, 10) g");
    }
  }
}
