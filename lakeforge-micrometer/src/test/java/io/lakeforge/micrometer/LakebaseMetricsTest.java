package io.lakeforge.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.runtime.PoolExhaustedException;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every meter by name and tag, against a real pool, PostgreSQL and the emulator. */
class LakebaseMetricsTest {

  private static final Tags TAGS =
      Tags.of("project", "lakeforge-main", "branch", "dev", "kind", "read_write");

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  @Test
  void poolAndCredentialMetersCarryProjectBranchAndKindOnly() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (LakebasePool pool = LakebasePool.create(
        env.config().maxSize(3).maxWaiting(1).build(), env.client())) {
      LakebaseMetrics.forPool(pool).bindTo(registry);
      pool.dsl().fetchValue(DSL.inline(1));

      Set<String> names = registry.getMeters().stream().map(m -> m.getId().getName())
          .collect(Collectors.toSet());
      assertEquals(Set.of(LakebaseMetrics.ACTIVE, LakebaseMetrics.IDLE, LakebaseMetrics.PENDING,
          LakebaseMetrics.MAX, LakebaseMetrics.CREATED, LakebaseMetrics.LOGIN,
          LakebaseMetrics.ACQUISITION, LakebaseMetrics.ACQUISITION_MAX, LakebaseMetrics.EXHAUSTED,
          LakebaseMetrics.REFRESHES, LakebaseMetrics.REFRESH, LakebaseMetrics.API_CALLS,
          LakebaseMetrics.API_RETRIES, LakebaseMetrics.REMAINING), names);
      for (Meter m : registry.getMeters()) {
        Set<String> keys = m.getId().getTags().stream().map(t -> t.getKey())
            .collect(Collectors.toSet());
        assertTrue(keys.equals(Set.of("project", "branch", "kind"))
            || keys.equals(Set.of("project", "branch", "kind", "result")), m.getId().toString());
        String shown = m.getId().toString();
        assertFalse(shown.contains("127.0.0.1") || shown.contains(TestLakebase.ROLE), shown);
      }

      assertEquals(3, registry.get(LakebaseMetrics.MAX).tags(TAGS).gauge().value());
      assertEquals(1, registry.get(LakebaseMetrics.IDLE).tags(TAGS).gauge().value());
      assertEquals(1, registry.get(LakebaseMetrics.CREATED).tags(TAGS).functionCounter().count());
      assertEquals(1, registry.get(LakebaseMetrics.LOGIN).tags(TAGS).functionTimer().count());
      assertTrue(registry.get(LakebaseMetrics.LOGIN).tags(TAGS).functionTimer()
          .totalTime(TimeUnit.NANOSECONDS) > 0);
      assertTrue(registry.get(LakebaseMetrics.ACQUISITION).tags(TAGS).functionTimer().count() >= 1);
      assertEquals(1, registry.get(LakebaseMetrics.REFRESHES).tags(TAGS).tag("result", "success")
          .functionCounter().count());
      assertEquals(0, registry.get(LakebaseMetrics.REFRESHES).tags(TAGS).tag("result", "failure")
          .functionCounter().count());
      assertEquals(1, registry.get(LakebaseMetrics.REFRESH).tags(TAGS).functionTimer().count());
      assertEquals(1, registry.get(LakebaseMetrics.API_CALLS).tags(TAGS).functionCounter().count());
      assertEquals(0, registry.get(LakebaseMetrics.API_RETRIES).tags(TAGS).functionCounter().count());
      double remaining = registry.get(LakebaseMetrics.REMAINING).tags(TAGS).timeGauge()
          .value(TimeUnit.SECONDS);
      assertTrue(remaining > 3000 && remaining <= 3600, "about an hour left: " + remaining);

      // All three lent out, one caller waiting (pending), the next one turned away (maxWaiting 1).
      List<Connection> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        held.add(pool.getConnection());
      }
      assertEquals(3, registry.get(LakebaseMetrics.ACTIVE).tags(TAGS).gauge().value());
      assertEquals(0, registry.get(LakebaseMetrics.IDLE).tags(TAGS).gauge().value());
      CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
        try (Connection c = pool.getConnection()) {
          c.isValid(1);
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (registry.get(LakebaseMetrics.PENDING).tags(TAGS).gauge().value() < 1
          && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertEquals(1, registry.get(LakebaseMetrics.PENDING).tags(TAGS).gauge().value());
      assertEquals(0, registry.get(LakebaseMetrics.EXHAUSTED).tags(TAGS).functionCounter().count());
      assertThrows(PoolExhaustedException.class, pool::getConnection);
      assertEquals(1, registry.get(LakebaseMetrics.EXHAUSTED).tags(TAGS).functionCounter().count());
      for (Connection c : held) {
        c.close();
      }
      waiter.get(5, TimeUnit.SECONDS);
      assertEquals(0, registry.get(LakebaseMetrics.PENDING).tags(TAGS).gauge().value());
      assertEquals(3, registry.get(LakebaseMetrics.CREATED).tags(TAGS).functionCounter().count());
    }
  }

  @Test
  void retriesAndFailedRefreshesAreCountedByResult() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    emulator.failNext(DatabricksEmulator.Fault.STATUS_500, DatabricksEmulator.Fault.STATUS_429);
    try (LakebasePool pool = LakebasePool.create(env.config().build(), env.client())) {
      LakebaseMetrics.forPool(pool).bindTo(registry);
      pool.dsl().fetchValue(DSL.inline(1));
      assertEquals(3, registry.get(LakebaseMetrics.API_CALLS).tags(TAGS).functionCounter().count());
      assertEquals(2, registry.get(LakebaseMetrics.API_RETRIES).tags(TAGS).functionCounter().count());
      assertEquals(1, registry.get(LakebaseMetrics.REFRESHES).tag("result", "success")
          .functionCounter().count());
    }
    emulator.randomFaults(1.0, 0, 1);
    MeterRegistry failing = new SimpleMeterRegistry();
    try (LakebasePool pool = LakebasePool.create(
        env.config().apiAttempts(2).acquisitionTimeout(Duration.ofSeconds(3)).build(),
        env.client())) {
      LakebaseMetrics.forPool(pool).bindTo(failing);
      assertThrows(Exception.class, () -> pool.dsl().fetchValue(DSL.inline(1)));
      assertEquals(1, failing.get(LakebaseMetrics.REFRESHES).tag("result", "failure")
          .functionCounter().count());
      assertEquals(0, failing.get(LakebaseMetrics.REMAINING).timeGauge().value());
      assertNotNull(pool.credentialStatus().lastFailure());
      for (String secret : emulator.secrets()) {
        assertFalse(pool.credentialStatus().lastFailure().contains(secret));
      }
    } finally {
      emulator.randomFaults(0, 0, 1);
    }
  }

  @Test
  void anUnpooledDataSourceHasCredentialMetersOnly() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (LakebaseDataSource ds = LakebaseDataSource.create(env.config().build(), env.client())) {
      LakebaseMetrics.forDataSource(ds).bindTo(registry);
      try (Connection c = ds.getConnection()) {
        assertTrue(c.isValid(1));
      }
      assertTrue(registry.find(LakebaseMetrics.ACTIVE).meters().isEmpty());
      assertEquals(1, registry.get(LakebaseMetrics.REFRESHES).tags(TAGS).tag("result", "success")
          .functionCounter().count());
    }
  }
}
