package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.LakebaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * One real PostgreSQL 17 server (embedded binaries from Maven Central) and one Databricks API
 * emulator per test JVM. {@code pg_hba.conf} requires SCRAM passwords for every role (the
 * {@code postgres} superuser's is random, known to this JVM only), so only a live minted credential
 * logs in.
 */
public final class TestLakebase {

  /** The PostgreSQL role, named like a Databricks identity. */
  public static final String ROLE = "app-user@example.com";
  public static final String DATABASE = "databricks_postgres";
  public static final String ENDPOINT = "projects/lakeforge-main/branches/dev/endpoints/primary";

  private static TestLakebase instance;

  private final LocalLakebase local;
  private final DatabricksEmulator emulator;

  private TestLakebase() throws IOException, SQLException {
    local = LocalLakebase.start(ROLE, DATABASE, false, 300);
    emulator = local.emulator();
    Runtime.getRuntime().addShutdownHook(new Thread(local::close));
  }

  /** The shared server and emulator, started on first use. */
  public static synchronized TestLakebase get() {
    if (instance == null) {
      try {
        instance = new TestLakebase();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (SQLException e) {
        throw new IllegalStateException("could not start embedded PostgreSQL", e);
      }
    }
    return instance;
  }

  public DatabricksEmulator emulator() {
    return emulator;
  }

  public int port() {
    return local.port();
  }

  /** The superuser (its random password is in this data source), for the harness only. */
  public DataSource superuser() {
    return local.superuser("postgres");
  }

  /** The superuser in {@code database}, for the harness only. */
  public DataSource superuser(String database) {
    return local.superuser(database);
  }

  /**
   * Settings pointing at this server, with TLS off (local only) and small timeouts. Pools are
   * created without connecting ({@code failFast=false}) so a test can inject a fault first and
   * meet it at its own borrow; {@code StartupTest} covers the fail-fast default.
   */
  public LakebaseConfig.Builder config() {
    return LakebaseConfig.builder()
        .host("127.0.0.1")
        .port(port())
        .database(DATABASE)
        .user(ROLE)
        .endpoint(ENDPOINT)
        .sslMode("disable")
        .acquisitionTimeout(java.time.Duration.ofSeconds(10))
        .apiTimeout(java.time.Duration.ofSeconds(2))
        .apiBackoff(java.time.Duration.ofMillis(20))
        .failFast(false);
  }

  /** The real SDK, authenticating with OAuth M2M against the emulator. */
  public WorkspaceClient client() {
    return local.client(10);
  }

  /**
   * A fresh {@code application_name} for one test's pools: counting sessions by it keeps a test
   * blind to sessions of other test classes in the same JVM (they share the role).
   */
  public static String applicationName(String test) {
    return test + "-" + java.util.UUID.randomUUID();
  }

  /** Sessions of the application role with this {@code application_name} now on the server. */
  public int sessions(String applicationName) {
    return count("select count(*) from pg_stat_activity where usename = '" + ROLE
        + "' and application_name = '" + applicationName.replace("'", "''") + "'");
  }

  /**
   * Sessions with this {@code application_name} left after waiting up to 5 s for closing
   * backends to exit (a backend leaves pg_stat_activity shortly after its client disconnects).
   */
  public int sessionsAfterClose(String applicationName) throws InterruptedException {
    int sessions = sessions(applicationName);
    for (int i = 0; i < 100 && sessions > 0; i++) {
      Thread.sleep(50);
      sessions = sessions(applicationName);
    }
    return sessions;
  }

  /** Ends every session of the application role, as a failover or admin would. */
  public int terminateSessions() {
    return count("select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = '"
        + ROLE + "'");
  }

  private int count(String sql) {
    try (Connection c = superuser().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
