package io.lakeforge.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The emulator as a process: {@code java -jar lakeforge-emulator-standalone.jar [OPTION]...}
 * ({@code --help} lists them) starts an embedded PostgreSQL 17 server and the Databricks API
 * emulator in front of it, prints the environment to export for OAuth M2M and for
 * {@code github-oidc} and a first query, and runs until SIGTERM or Ctrl-C (a shutdown hook stops
 * the emulator, its branch servers and PostgreSQL). Faults can be set at start and at run time
 * ({@code POST /emulator/faults?...} on loopback).
 *
 * <p>The legacy form, for the delivery scripts' shell tests, is unchanged: {@code ENV_FILE
 * [PROJECT [BRANCH[:protected]…]] [--principal=ID]…} registers the given branches (a project
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
   * Runs until SIGTERM (or, in the legacy form, until standard input closes).
   *
   * @param args options, or the legacy env file, project id and its existing branches
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && !args[0].startsWith("-")) {
      legacy(args);
      return;
    }
    EmulatorOptions options;
    try {
      options = EmulatorOptions.parse(args);
    } catch (EmulatorOptions.UsageException e) {
      System.err.println("lakeforge-emulator: " + e.getMessage());
      System.err.println("Run with --help for the options.");
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.print(EmulatorOptions.HELP);
      System.out.flush();
      System.exit(0);
      return;
    }
    run(options, System.out, System.err);
  }

  private static void run(EmulatorOptions o, PrintStream out, PrintStream err) throws Exception {
    if (!o.bind.isLoopbackAddress()) {
      err.println("lakeforge-emulator: WARNING: the API listens on " + o.bind.getHostAddress()
          + " (--allow-remote): plain HTTP, and anyone who can reach it can log in with the"
          + " printed test secret. PostgreSQL and the /emulator/ control calls stay on loopback.");
    }
    StandaloneEmulator running = StandaloneEmulator.start(o.httpAddress(), o.pgPort, o.databases);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "lakeforge-emulator-stop"));
    DatabricksEmulator emulator = running.emulator();
    for (String principal : o.principals) {
      emulator.addPrincipal(principal, principal);
    }
    for (String branch : o.branches) {
      String[] parts = branch.split(":", 2);
      emulator.existingBranch(o.project, parts[0], parts.length > 1);
    }
    emulator.applyFaults(o.faults);
    Map<String, Map<String, String>> env = running.environment(o.project, o.branches);
    if (o.envFile != null) {
      StringBuilder file = new StringBuilder("# LakeForge emulator (pid "
          + ProcessHandle.current().pid() + "). Load with: set -a; . FILE; set +a\n"
          + "# DATABRICKS_CLIENT_SECRET is a random test secret of this emulator run.\n"
          + "# Add DATABRICKS_AUTH_TYPE=github-oidc to log in through the GitHub ID-token path.\n");
      env.forEach((group, vars) -> vars.forEach((k, v) -> {
        if (!k.equals("DATABRICKS_AUTH_TYPE")) {
          file.append(k).append('=').append(v).append('\n');
        }
      }));
      write(o.envFile, file.toString());
    }
    List<String> branches = new ArrayList<>();
    for (String b : o.branches) {
      branches.add(b.endsWith(":protected") ? b.split(":", 2)[0] + " (protected)" : b);
    }
    out.println("# LakeForge Databricks emulator (pid " + ProcessHandle.current().pid() + "): API "
        + emulator.url() + ", PostgreSQL 17 on 127.0.0.1:" + running.pgPort());
    out.println("# project " + o.project + ", branches " + String.join(", ", branches)
        + "; databases databricks_postgres, " + String.join(", ", o.databases) + " (owned by "
        + emulator.clientId() + ")");
    if (!o.faults.isEmpty()) {
      out.println("# faults " + emulator.faults());
    }
    out.println("# faults at run time: curl -X POST '" + loopbackUrl(emulator)
        + "/emulator/faults?stop-minting=true' (also fail-rate, latency, credential-lifetime,"
        + " hang, reset=true)");
    out.println("# data (deleted at the stop): " + running.dataDirectory());
    out.println("# stop: Ctrl-C or kill " + ProcessHandle.current().pid());
    out.println("#");
    out.println("# The workspace, the identity and a first query:");
    exports(out, env.get("common"));
    out.println("# OAuth M2M. DATABRICKS_CLIENT_SECRET is a random test secret of this emulator run,");
    out.println("# valid for nothing else, so printing it is fine:");
    exports(out, env.get("oauth-m2m"));
    out.println("# or github-oidc, the keyless path of CI (the emulator stands in for GitHub too):");
    exports(out, env.get("github-oidc"));
    out.flush();
    stopped.await();
  }

  /** The control calls answer loopback clients only. */
  private static String loopbackUrl(DatabricksEmulator emulator) {
    return emulator.url().replaceFirst("^http://[^/]+:", "http://127.0.0.1:");
  }

  private static void exports(PrintStream out, Map<String, String> vars) {
    vars.forEach((k, v) -> out.println("export " + k + "='" + v + "'"));
  }

  /** The form the delivery scripts' shell tests start; its file and its stop are unchanged. */
  private static void legacy(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    List<String> extraPrincipals = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--principal=")) {
        extraPrincipals.add(arg.substring("--principal=".length()));
      } else {
        positional.add(arg);
      }
    }
    StandaloneEmulator running = StandaloneEmulator.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, List.of());
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "lakeforge-emulator-stop"));
    try (running) {
      DatabricksEmulator emulator = running.emulator();
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
          "PGPORT=" + running.pgPort(),
          "");
      write(Path.of(positional.get(0)), env);
      drain();
    }
  }

  /** Written whole or not at all: a reader polling for the file never sees half of it. */
  private static void write(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static void drain() throws IOException {
    while (System.in.read() >= 0) {
      // Runs until the test closes our standard input.
    }
  }
}
