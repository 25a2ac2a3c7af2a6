package io.lakeforge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * The emulator as a process, for shell tests of the delivery scripts: {@code java -cp …
 * io.lakeforge.testing.EmulatorMain ENV_FILE PROJECT BRANCH[:protected]…}. Starts an embedded
 * PostgreSQL server and the emulator, registers the given branches, writes the variables a GitHub
 * Actions job would have for {@code DATABRICKS_AUTH_TYPE=github-oidc} to {@code ENV_FILE} (as
 * {@code NAME=value} lines), and runs until its standard input closes.
 */
public final class EmulatorMain {

  private EmulatorMain() {}

  /**
   * Runs until standard input closes.
   *
   * @param args the env file, the project id and its existing branches ({@code id} or
   *     {@code id:protected})
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: EmulatorMain ENV_FILE PROJECT [BRANCH[:protected]...]");
      System.exit(2);
    }
    Path base = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
        "lakeforge-emulator"));
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(Files.createTempDirectory(base, "pg-"))
        .setCleanDataDirectory(true)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start()) {
      // A service principal's PostgreSQL role is its application id (the OAuth client id).
      String role = "lakeforge-test-sp";
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("create role \"" + role + "\" login");
        s.execute("create database databricks_postgres owner \"" + role + "\"");
      }
      try (DatabricksEmulator emulator = DatabricksEmulator.start(postgres.getPostgresDatabase(),
          role)) {
        emulator.branchRoot(base.resolve("branches"));
        for (int i = 2; i < args.length; i++) {
          String[] parts = args[i].split(":", 2);
          emulator.existingBranch(args[1], parts[0],
              parts.length > 1 && parts[1].equals("protected"));
        }
        String env = String.join("\n",
            "DATABRICKS_HOST=" + emulator.url(),
            "DATABRICKS_CLIENT_ID=" + emulator.clientId(),
            "ACTIONS_ID_TOKEN_REQUEST_URL=" + emulator.githubIdTokenUrl() + "?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + emulator.githubRequestToken(),
            "PGPORT=" + postgres.getPort(),
            "");
        Path file = Path.of(args[0]);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, env, StandardCharsets.UTF_8);
        Files.move(tmp, file);
        drain();
      }
    }
  }

  private static void drain() throws IOException {
    while (System.in.read() >= 0) {
      // Runs until the test closes our standard input.
    }
  }
}
