package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 20: the emulator's command line; every usage error names its option and exits 2. */
class EmulatorOptionsTest {

  @Test
  void defaultsPickPortsOnLoopbackWithTheSampleProject() throws Exception {
    EmulatorOptions o = EmulatorOptions.parse();
    assertEquals(0, o.port);
    assertEquals(0, o.pgPort);
    assertTrue(o.bind.isLoopbackAddress());
    assertEquals("lakeforge-main", o.project);
    assertEquals(EmulatorOptions.DEFAULT_BRANCHES, o.branches);
    assertEquals(List.of("orders"), o.databases);
    assertTrue(o.faults.isEmpty());
    assertFalse(o.help);
  }

  @Test
  void everyOptionInBothSpellings() throws Exception {
    EmulatorOptions o = EmulatorOptions.parse("--port", "8123", "--pg-port=15432",
        "--project", "shop", "--branch", "main:protected", "--branch=pr-7", "--principal", "sp-2",
        "--env-file", "/tmp/x.env", "--fail-rate", "0.25", "--latency=250ms",
        "--credential-lifetime", "PT30S", "--hang", "--stop-minting", "--database", "app");
    assertEquals(8123, o.port);
    assertEquals(15432, o.pgPort);
    assertEquals("shop", o.project);
    assertEquals(List.of("main:protected", "pr-7"), o.branches);
    assertEquals(List.of("sp-2"), o.principals);
    assertEquals(List.of("app"), o.databases);
    assertEquals(Map.of("fail-rate", "0.25", "latency", "PT0.25S", "credential-lifetime", "PT30S",
        "hang", "true", "stop-minting", "true"), o.faults);
  }

  @Test
  void errorsNameTheOption() {
    assertUsage("--port: not a port number", "--port", "http");
    assertUsage("--port: not a port number", "--port", "70000");
    assertUsage("--pg-port: not a port number", "--pg-port=-1");
    assertUsage("--port: needs a value", "--port");
    assertUsage("--port: needs a value", "--port", "--hang");
    assertUsage("--fail-rate: not a number from 0 to 1", "--fail-rate", "2");
    assertUsage("--latency: not a duration", "--latency", "soon");
    assertUsage("--credential-lifetime: must be more than zero", "--credential-lifetime", "0s");
    assertUsage("--branch: not a Lakebase id", "--branch", "Dev");
    assertUsage("--branch dev:frozen: the only suffix is ':protected'", "--branch", "dev:frozen");
    assertUsage("--project: not a Lakebase id", "--project", "my project");
    assertUsage("--frobnicate: unknown option", "--frobnicate");
    assertUsage("--hang: not true or false", "--hang=maybe");
    assertUsage("--database: not a plain database name", "--database", "drop table");
  }

  @Test
  void aNonLoopbackBindNeedsAllowRemote() throws Exception {
    assertUsage("--bind 0.0.0.0: not a loopback address; add --allow-remote", "--bind",
        "0.0.0.0");
    assertTrue(EmulatorOptions.parse("--bind", "0.0.0.0", "--allow-remote").bind
        .isAnyLocalAddress());
    assertTrue(EmulatorOptions.parse("--bind", "127.0.0.5").bind.isLoopbackAddress());
  }

  @Test
  void theProcessExitsTwoNamingTheOptionAndZeroForHelp() throws Exception {
    JavaProcess.Result bad = JavaProcess.run(EmulatorMain.class, Map.of(), "--port", "http");
    assertEquals(2, bad.exitCode(), bad.stderr());
    assertTrue(bad.stderr().startsWith("lakeforge-emulator: --port: not a port number"),
        bad.stderr());
    assertEquals("", bad.stdout());
    JavaProcess.Result help = JavaProcess.run(EmulatorMain.class, Map.of(), "--help");
    assertEquals(0, help.exitCode(), help.stderr());
    for (String option : List.of("--port", "--bind", "--allow-remote", "--pg-port", "--env-file",
        "--project", "--branch", "--principal", "--database", "--fail-rate", "--latency",
        "--credential-lifetime", "--hang", "--stop-minting", "POST /emulator/faults")) {
      assertTrue(help.stdout().contains(option), "help names " + option);
    }
  }

  private static void assertUsage(String start, String... args) {
    EmulatorOptions.UsageException e = assertThrows(EmulatorOptions.UsageException.class,
        () -> EmulatorOptions.parse(args));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}
