package io.lakeforge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * The emulator as a process, for shell tests of the delivery scripts: {@code java -jar
 * lakeforge-emulator-standalone.jar ENV_FILE [PROJECT [BRANCH[:protected]…]] [--principal=ID]…}.
 * Starts an embedded PostgreSQL server and the emulator, registers the given branches (a project
 * named here but never created through the API is open to every identity), lets each
 * {@code --principal} log in besides the default one, writes the variables a GitHub Actions job
 * would have for {@code DATABRICKS_AUTH_TYPE=github-oidc} to {@code ENV_FILE} (as
 * {@code NAME=value} lines), and runs until its standard input closes. {@code GET /emulator/state}
 * answers the state (projects, permissions, branches and their children, workspace paths, changing
 * calls by identity, requests no route served) as JSON.
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
    java.util.List<String> positional = new java.util.ArrayList<>();
    java.util.List<String> extraPrincipals = new java.util.ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--principal=")) {
        extraPrincipals.add(arg.substring("--principal=".length()));
      } else {
        positional.add(arg);
      }
    }
    if (positional.isEmpty()) {
      System.err.println("usage: EmulatorMain ENV_FILE [PROJECT [BRANCH[:protected]...]]"
          + " [--principal=APPLICATION_ID]...");
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
        for (String principal : extraPrincipals) {
          emulator.addPrincipal(principal, principal);
        }
        for (int i = 2; i < positional.size(); i++) {
          String[] parts = positional.get(i).split(":", 2);
          emulator.existingBranch(positional.get(1), parts[0],
              parts.length > 1 && parts[1].equals("protected"));
        }
        String env = String.join("\n",
            "DATABRICKS_HOST=" + emulator.url(),
            "DATABRICKS_CLIENT_ID=" + emulator.clientId(),
            "ACTIONS_ID_TOKEN_REQUEST_URL=" + emulator.githubIdTokenUrl() + "?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + emulator.githubRequestToken(),
            "PGPORT=" + postgres.getPort(),
            "");
        Path file = Path.of(positional.get(0));
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
