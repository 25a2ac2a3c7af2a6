package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import javax.sql.DataSource;

/**
 * The offline Lakebase of {@link LakebaseTestBranch}: one embedded PostgreSQL 17 server (the
 * source branches' data) and one {@link DatabricksEmulator} per JVM. Every role logs in with a
 * SCRAM password: the {@code postgres} superuser with a random one only this JVM knows, the others
 * with the one the emulator sets when it mints a credential, so only the real credential flow logs
 * in.
 */
public final class OfflineLakebase {

  /** The PostgreSQL role, named like a Databricks identity. */
  public static final String ROLE = "test-user@example.com";
  /** The database every branch holds (Lakebase's default). */
  public static final String DATABASE = "databricks_postgres";

  private static OfflineLakebase instance;

  private final LocalLakebase local;
  private final DatabricksEmulator emulator;

  private OfflineLakebase() throws IOException, SQLException {
    local = LocalLakebase.start(ROLE, DATABASE, true, 200);
    emulator = local.emulator();
    emulator.branchRoot(local.base().resolve("offline-branches"));
    Runtime.getRuntime().addShutdownHook(new Thread(local::close));
  }

  /** The shared server and emulator, started on first use. */
  public static synchronized OfflineLakebase get() {
    if (instance == null) {
      try {
        instance = new OfflineLakebase();
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

  /** The port every branch server listens on (each on its own loopback address). */
  public int port() {
    return local.port();
  }

  /** The superuser of the source server (with its password), for a harness only. */
  public DataSource superuser() {
    return local.superuser("postgres");
  }

  /** The superuser in the source server's {@link #DATABASE}, for a harness only. */
  public DataSource sourceDatabase() {
    return local.superuser(DATABASE);
  }

  /**
   * Makes {@code branchId} of {@code projectId} a source a test branch can start from: the
   * emulator knows it (a declared branch, served by this server), and each of {@code databases}
   * exists here, owned by {@link #ROLE} as a deployed {@code @Database} is by its role, so that a
   * copy of the server has them. One caller at a time: test classes running in parallel would
   * otherwise both see a branch or database missing and both create it.
   */
  public synchronized void prepareSource(String projectId, String branchId,
      Collection<String> databases) {
    String path = "projects/" + projectId + "/branches/" + branchId;
    if (!emulator.hasBranch(path)) {
      emulator.existingBranch(projectId, branchId, false);
    }
    if (databases.isEmpty()) {
      return;
    }
    try (Connection c = superuser().getConnection();
        PreparedStatement exists = c.prepareStatement(
            "select 1 from pg_database where datname = ?");
        Statement s = c.createStatement()) {
      for (String database : databases) {
        exists.setString(1, database);
        boolean found;
        try (ResultSet r = exists.executeQuery()) {
          found = r.next();
        }
        if (!found) {
          s.execute("create database \"" + database.replace("\"", "\"\"") + "\" owner \""
              + ROLE + "\"");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the declared databases " + databases
          + " of " + path + " on the offline server", e);
    }
  }

  /** The real SDK, authenticating with OAuth M2M against the emulator. */
  public WorkspaceClient client() {
    return local.client(30);
  }
}
