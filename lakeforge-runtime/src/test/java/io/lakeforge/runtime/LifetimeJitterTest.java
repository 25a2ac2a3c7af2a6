package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Connections opened together are replaced at their own ages: an initial fill of 16 connections
 * with a 5 s {@code maxLifetime} is retired over about half a second, not in one wave.
 */
class LifetimeJitterTest {

  private static final int CONNECTIONS = 16;
  private static final Duration LIFETIME = Duration.ofSeconds(5);

  private final TestLakebase env = TestLakebase.get();

  @Test
  void connectionsOpenedTogetherAreRetiredAtTheirOwnAgesAndNoneOutlivesMaxLifetime()
      throws Exception {
    String app = "jitter-" + System.nanoTime();
    LakebaseConfig config = env.config()
        .minSize(CONNECTIONS).maxSize(CONNECTIONS)
        .set(LakebaseSettings.MAX_LIFETIME, LIFETIME)
        .set(LakebaseSettings.APPLICATION_NAME, app)
        .build();
    Map<Integer, Long> born = new HashMap<>();
    Map<Integer, Long> gone = new HashMap<>();
    try (Connection admin = env.superuser().getConnection();
        PreparedStatement sessions = admin.prepareStatement(
            "select pid from pg_stat_activity where application_name = ?");
        LakebasePool pool = LakebasePool.create(config, env.client())) {
      sessions.setString(1, app);
      long until = System.nanoTime() + LIFETIME.plusSeconds(8).toNanos();
      // Sessions are first seen within one poll of their login; the initial fill are the first 16.
      while ((born.size() < CONNECTIONS || gone.size() < CONNECTIONS) && System.nanoTime() < until) {
        Set<Integer> alive = pids(sessions);
        long now = System.nanoTime();
        for (Integer pid : alive) {
          if (born.size() < CONNECTIONS) {
            born.putIfAbsent(pid, now);
          }
        }
        for (Integer pid : born.keySet()) {
          if (!alive.contains(pid)) {
            gone.putIfAbsent(pid, now);
          }
        }
        Thread.sleep(20);
      }
      assertEquals(born.keySet(), gone.keySet(), "every connection of the initial fill retired");
    }
    List<Long> ages = new ArrayList<>();
    for (Integer pid : born.keySet()) {
      ages.add(Duration.ofNanos(gone.get(pid) - born.get(pid)).toMillis());
    }
    Collections.sort(ages);
    long youngest = ages.get(0);
    long oldest = ages.get(ages.size() - 1);
    // Uniform over the last 500 ms below 5 s: 16 draws span less than 200 ms with probability
    // about 2e-5. Without jitter they all retire at 5 s, within the poll and login noise.
    assertTrue(oldest - youngest >= 200, "ages spread over " + (oldest - youngest) + " ms: " + ages);
    assertTrue(youngest >= LIFETIME.toMillis() * 9 / 10 - 100, "none retired early: " + ages);
    assertTrue(oldest <= LIFETIME.toMillis() + 1000, "none outlived maxLifetime: " + ages);
  }

  private static Set<Integer> pids(PreparedStatement sessions) throws SQLException {
    Set<Integer> pids = new HashSet<>();
    try (ResultSet r = sessions.executeQuery()) {
      while (r.next()) {
        pids.add(r.getInt(1));
      }
    }
    return pids;
  }
}
