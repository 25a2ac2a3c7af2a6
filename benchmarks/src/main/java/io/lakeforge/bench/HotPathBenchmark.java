package io.lakeforge.bench;

import io.agroal.api.AgroalDataSource;
import io.lakeforge.runtime.LakebasePool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code select 1} through a warm pool: LakeForge's (minted credentials) against plain Agroal with
 * a static password, same size and settings; raw JDBC and jOOQ on each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBenchmark {

  @Param({"lakeforge", "agroal-static"})
  public String pool;

  private DataSource dataSource;
  private DSLContext dsl;
  private AutoCloseable closer;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (pool.equals("lakeforge")) {
      LakebasePool p = LakebasePool.create(BenchEnv.config().build(), BenchEnv.client());
      dataSource = p;
      dsl = p.dsl();
      closer = p;
    } else {
      AgroalDataSource a = BenchEnv.staticAgroal(BenchEnv.config().build());
      dataSource = a;
      // The same jOOQ settings LakeForge uses, so the jOOQ/JDBC ratio compares like with like.
      dsl = DSL.using(a, SQLDialect.POSTGRES, LakebasePool.jooqSettings());
      closer = a;
    }
    // Warm: open as many connections as the benchmark threads will hold.
    List<Connection> warm = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      warm.add(dataSource.getConnection());
    }
    for (Connection c : warm) {
      c.close();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    closer.close();
  }

  @Benchmark
  public int jdbc() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The usual jOOQ idiom: build the query, fetch, map; a query object is not shared by threads. */
  @Benchmark
  public Integer jooq() {
    return dsl.selectOne().fetchOne(0, Integer.class);
  }
}
