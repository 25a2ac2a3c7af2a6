package io.lakeforge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * What {@link EmulatorMain} runs: an embedded PostgreSQL 17 server on 127.0.0.1 (the
 * {@code postgres} superuser with a random SCRAM password only this JVM knows; the service
 * principal's role {@value #ROLE} owning {@code databricks_postgres}, logging in with minted
 * credentials only) and a {@link DatabricksEmulator} in front of it. The data lives under
 * {@code java.io.tmpdir}/lakeforge-emulator, marked as this JVM's ({@link ServerGuard}): a
 * watcher stops the server if the JVM is killed, and the next start ends what a killed one left.
 */
final class StandaloneEmulator implements AutoCloseable {

  /** A service principal's PostgreSQL role is its application id (the OAuth client id). */
  static final String ROLE = "lakeforge-test-sp";

  private final EmbeddedPostgres postgres;
  private final DatabricksEmulator emulator;
  private final ServerGuard guard;
  private final Path data;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StandaloneEmulator(EmbeddedPostgres postgres, DatabricksEmulator emulator,
      ServerGuard guard, Path data) {
    this.postgres = postgres;
    this.emulator = emulator;
    this.guard = guard;
    this.data = data;
  }

  /**
   * Starts both.
   *
   * @param http the emulator's address (port 0: one the OS picks)
   * @param pgPort the PostgreSQL port on 127.0.0.1 (0: one the OS picks)
   * @param databases databases the role owns besides {@code databricks_postgres}
   */
  static StandaloneEmulator start(InetSocketAddress http, int pgPort, List<String> databases)
      throws IOException, SQLException {
    Path base = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
        "lakeforge-emulator"));
    LocalLakebase.reapOrphans(base);
    Path data = Files.createTempDirectory(base, "pg-");
    ServerGuard guard = ServerGuard.claim(data);
    EmbeddedPostgres postgres;
    try {
      postgres = LocalLakebase.startServer(data, pgPort, 0);
      guard.watch(BranchServer.postgresBinary(data).getParent());
    } catch (IOException | RuntimeException e) {
      ServerGuard.deleteTree(data);
      guard.close();
      throw e;
    }
    DatabricksEmulator emulator = null;
    try {
      DataSource superuser = postgres.getDatabase("postgres", "postgres");
      try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
        s.execute("create role \"" + ROLE + "\" login password 'not-yet-minted'");
        s.execute("create database databricks_postgres owner \"" + ROLE + "\"");
        for (String database : databases) {
          s.execute("create database \"" + database + "\" owner \"" + ROLE + "\"");
        }
      }
      LocalLakebase.lockDown(superuser, data);
      emulator = DatabricksEmulator.start(superuser, ROLE, http);
      emulator.branchRoot(base.resolve("branches"));
      return new StandaloneEmulator(postgres, emulator, guard, data);
    } catch (IOException | SQLException | RuntimeException e) {
      if (emulator != null) {
        emulator.close();
      }
      postgres.close();
      ServerGuard.deleteTree(data);
      guard.close();
      throw e;
    }
  }

  DatabricksEmulator emulator() {
    return emulator;
  }

  /** The base server's port on 127.0.0.1. */
  int pgPort() {
    return postgres.getPort();
  }

  /** The base server's data directory (its {@code postmaster.pid} names the server). */
  Path dataDirectory() {
    return data;
  }

  /**
   * The variables to export, in groups: {@code common} (the workspace, the identity and a first
   * query), {@code oauth-m2m} and {@code github-oidc}.
   */
  Map<String, Map<String, String>> environment(String project, List<String> branches) {
    Map<String, String> common = new LinkedHashMap<>();
    common.put("DATABRICKS_HOST", emulator.url());
    common.put("DATABRICKS_CLIENT_ID", emulator.clientId());
    common.put("PGPORT", Integer.toString(pgPort()));
    common.put("PGSSLMODE", "disable");
    String branch = branches.stream().map(b -> b.split(":", 2)[0])
        .filter(b -> b.equals("dev")).findFirst()
        .orElse(branches.isEmpty() ? "production" : branches.get(0).split(":", 2)[0]);
    common.put("LAKEBASE_ENDPOINT", "projects/" + project + "/branches/" + branch
        + "/endpoints/primary");
    Map<String, String> m2m = new LinkedHashMap<>();
    m2m.put("DATABRICKS_CLIENT_SECRET", emulator.clientSecret());
    Map<String, String> oidc = new LinkedHashMap<>();
    oidc.put("DATABRICKS_AUTH_TYPE", "github-oidc");
    oidc.put("ACTIONS_ID_TOKEN_REQUEST_URL", emulator.githubIdTokenUrl() + "?api-version=2.0");
    oidc.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", emulator.githubRequestToken());
    oidc.put("DATABRICKS_TOKEN_AUDIENCE", emulator.clientId());
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    all.put("common", common);
    all.put("oauth-m2m", m2m);
    all.put("github-oidc", oidc);
    return all;
  }

  /** Stops the emulator (and its branch servers) and PostgreSQL, once. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      emulator.close();
    } finally {
      try {
        postgres.close();
      } catch (IOException e) {
        // Shutting down anyway.
      }
      guard.close();
    }
  }
}
