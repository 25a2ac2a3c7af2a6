package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL 17 server on 127.0.0.1 (binaries from Maven Central) with a {@link
 * DatabricksEmulator} in front of it, as the test harnesses of every module start them. The
 * {@code postgres} superuser is trusted; every other role logs in with a SCRAM password, which
 * the emulator sets when it mints a credential for the role, so only the real credential flow
 * logs in. The data directory lives under {@code target/}.
 */
public final class LocalLakebase implements AutoCloseable {

  private final Path base;
  private final EmbeddedPostgres postgres;
  private final DatabricksEmulator emulator;

  private LocalLakebase(Path base, EmbeddedPostgres postgres, DatabricksEmulator emulator) {
    this.base = base;
    this.postgres = postgres;
    this.emulator = emulator;
  }

  /**
   * Starts a server with {@code role} (which cannot log in until a credential is minted) and
   * {@code database}, and an emulator that mints credentials for {@code role}.
   *
   * @param roleOwnsDatabase whether {@code role} owns {@code database} (else the superuser does)
   * @param maxConnections the server's {@code max_connections}
   */
  public static LocalLakebase start(String role, String database, boolean roleOwnsDatabase,
      int maxConnections) throws IOException, SQLException {
    Path base = Files.createDirectories(Path.of("target").toAbsolutePath());
    Path data = Files.createTempDirectory(base, "embedded-pg-");
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setServerConfig("max_connections", Integer.toString(maxConnections))
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
    DataSource superuser = postgres.getDatabase("postgres", "postgres");
    try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
      s.execute("create role \"" + role + "\" login password 'not-yet-minted'");
      s.execute("create database " + database + (roleOwnsDatabase ? " owner \"" + role + "\"" : ""));
    }
    // Loopback as a whole: branch servers listen on their own 127.x addresses.
    Files.writeString(data.resolve("pg_hba.conf"), String.join("\n",
        "# Written by LocalLakebase: the superuser is trusted, everyone else needs a password.",
        "local all postgres trust",
        "host all postgres 127.0.0.0/8 trust",
        "host all all 127.0.0.0/8 scram-sha-256",
        ""));
    try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
      s.execute("select pg_reload_conf()");
    }
    return new LocalLakebase(base, postgres, DatabricksEmulator.start(superuser, role));
  }

  /** The emulator that mints credentials for the role. */
  public DatabricksEmulator emulator() {
    return emulator;
  }

  /** The server's port on 127.0.0.1. */
  public int port() {
    return postgres.getPort();
  }

  /** The build directory ({@code target/}) the server's data lives in. */
  public Path base() {
    return base;
  }

  /** The trusted superuser in {@code database}, for a harness only. */
  public DataSource superuser(String database) {
    return postgres.getDatabase("postgres", database);
  }

  /** The real SDK, authenticating with OAuth M2M against the emulator. */
  public WorkspaceClient client(int httpTimeoutSeconds) {
    return new WorkspaceClient(new DatabricksConfig()
        .setHost(emulator.url())
        .setClientId(emulator.clientId())
        .setClientSecret(emulator.clientSecret())
        .setAuthType("oauth-m2m")
        .setHttpTimeoutSeconds(httpTimeoutSeconds));
  }

  /** Stops the emulator and the server. */
  @Override
  public void close() {
    emulator.close();
    try {
      postgres.close();
    } catch (IOException e) {
      // Shutting down anyway.
    }
  }
}
