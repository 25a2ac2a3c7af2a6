package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The offline Lakebase of {@link LakebaseTestBranch}: one embedded PostgreSQL 17 server (the
 * source branches' data) and one {@link DatabricksEmulator} per JVM. Every role but the {@code
 * postgres} superuser logs in with a SCRAM password, which the emulator sets when it mints a
 * credential, so only the real credential flow logs in.
 */
public final class OfflineLakebase {

  /** The PostgreSQL role, named like a Databricks identity. */
  public static final String ROLE = "test-user@example.com";
  /** The database every branch holds (Lakebase's default). */
  public static final String DATABASE = "databricks_postgres";

  private static OfflineLakebase instance;

  private final EmbeddedPostgres postgres;
  private final DatabricksEmulator emulator;

  private OfflineLakebase() throws IOException, SQLException {
    Path base = Files.createDirectories(Path.of("target").toAbsolutePath());
    Path data = Files.createTempDirectory(base, "offline-lakebase-");
    postgres = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setServerConfig("max_connections", "200")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
    try (Connection c = superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("create role \"" + ROLE + "\" login password 'not-yet-minted'");
      s.execute("create database " + DATABASE + " owner \"" + ROLE + "\"");
    }
    Files.writeString(data.resolve("pg_hba.conf"), String.join("\n",
        "# Written by OfflineLakebase: the superuser is trusted, everyone else needs a password.",
        "local all postgres trust",
        "host all postgres 127.0.0.0/8 trust",
        "host all all 127.0.0.0/8 scram-sha-256",
        ""));
    try (Connection c = superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("select pg_reload_conf()");
    }
    emulator = DatabricksEmulator.start(superuser(), ROLE);
    emulator.branchRoot(base.resolve("offline-branches"));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
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
    return postgres.getPort();
  }

  /** The trusted superuser of the source server, for a harness only. */
  public DataSource superuser() {
    return postgres.getDatabase("postgres", "postgres");
  }

  /** The trusted superuser in the source server's {@link #DATABASE}, for a harness only. */
  public DataSource sourceDatabase() {
    return postgres.getDatabase("postgres", DATABASE);
  }

  /** The real SDK, authenticating with OAuth M2M against the emulator. */
  public WorkspaceClient client() {
    return new WorkspaceClient(new DatabricksConfig()
        .setHost(emulator.url())
        .setClientId(emulator.clientId())
        .setClientSecret(emulator.clientSecret())
        .setAuthType("oauth-m2m")
        .setHttpTimeoutSeconds(30));
  }

  private void stop() {
    emulator.close();
    try {
      postgres.close();
    } catch (IOException e) {
      // Shutting down anyway.
    }
  }
}
