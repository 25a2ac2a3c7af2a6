package io.lakeforge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.LocalLakebase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code branch create|extend|list|delete} in process, with the real SDK against the emulator. */
class BranchCommandTest {

  private static LocalLakebase lakebase;
  private static DatabricksEmulator emulator;

  @BeforeAll
  static void start() throws Exception {
    lakebase = LocalLakebase.start("ci@example.com", "databricks_postgres", false, 100);
    emulator = lakebase.emulator();
    emulator.existingBranch("shop", "staging", true);
  }

  @AfterAll
  static void stop() throws Exception {
    lakebase.close();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Lakeforge.run(Map.of("CUSTOM_BRANCHES", "staging"), args, Path.of(""),
        new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8),
        () -> new WorkspaceClient(new DatabricksConfig().setHost(emulator.url())
            .setClientId(emulator.clientId()).setClientSecret(emulator.clientSecret())
            .setAuthType("oauth-m2m")));
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void createExtendListDeleteAsJsonWithoutCredentials() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Run created = run("branch", "create", "--project", "shop", "--branch", "pr-7", "--from",
        "staging", "--ttl", "2h", "--output", "json");
    assertEquals(0, created.code(), created.err());
    JsonNode c = json.readTree(created.out());
    assertEquals("projects/shop/branches/pr-7", c.path("branch").asText());
    assertEquals("staging", c.path("source_branch").asText());
    JsonNode endpoint = c.path("endpoints").get(0);
    assertEquals("projects/shop/branches/pr-7/endpoints/primary", endpoint.path("path").asText());
    assertTrue(endpoint.path("host").asText().startsWith("127.0.0."));
    assertNotEquals("127.0.0.1", endpoint.path("host").asText());
    Instant expires = Instant.parse(c.path("expire_time").asText());
    assertTrue(expires.isAfter(Instant.now().plus(Duration.ofMinutes(119))));

    Run again = run("branch", "create", "--project", "shop", "--branch", "pr-7", "--from",
        "staging", "--output", "json");
    assertEquals(0, again.code(), "idempotent: " + again.err());

    Run extended = run("branch", "extend", "--project", "shop", "--branch", "pr-7", "--ttl", "7d",
        "--output", "json");
    assertEquals(0, extended.code(), extended.err());
    assertTrue(Instant.parse(json.readTree(extended.out()).path("expire_time").asText())
        .isAfter(Instant.now().plus(Duration.ofDays(6))));

    Run listed = run("branch", "list", "--project", "shop");
    assertEquals(0, listed.code(), listed.err());
    assertTrue(listed.out().contains("pr-7") && listed.out().contains("ephemeral"), listed.out());
    assertTrue(listed.out().matches("(?s).*staging\\s+declared.*"), listed.out());

    Run deleted = run("branch", "delete", "--project", "shop", "--branch", "pr-7");
    assertEquals(0, deleted.code(), deleted.err());
    assertEquals("deleted projects/shop/branches/pr-7\n", deleted.out());
    Run gone = run("branch", "delete", "--project", "shop", "--branch", "pr-7");
    assertEquals(0, gone.code(), "deleting a missing branch is fine on a closed pull request");

    for (Run r : new Run[] {created, again, extended, listed, deleted}) {
      for (String secret : emulator.secrets()) {
        assertFalse(r.out().contains(secret) || r.err().contains(secret), "no credential");
      }
    }
  }

  @Test
  void exitCodesOneForARefusalTwoForUsage() {
    Run production = run("branch", "delete", "--project", "shop", "--branch", "production");
    assertEquals(1, production.code());
    assertTrue(production.err().contains("root branch"), production.err());
    Run declared = run("branch", "delete", "--project", "shop", "--branch", "staging");
    assertEquals(1, declared.code());
    assertTrue(declared.err().contains("declares it"), declared.err());
    Run badId = run("branch", "create", "--project", "shop", "--branch", "Bad_Id", "--from",
        "staging");
    assertEquals(2, badId.code(), "a bad id is a usage error, refused before any call");

    assertEquals(2, run("branch").code());
    assertEquals(2, run("branch", "create", "--project", "shop", "--branch", "x").code(),
        "--from is required");
    assertEquals(2, run("branch", "create", "--project", "shop", "--branch", "x", "--from", "s",
        "--ttl", "soon").code());
    assertEquals(2, run("branch", "list", "--project", "shop", "--output", "yaml").code());
    assertEquals(2, run("branch", "drop", "--project", "shop").code());
  }
}
