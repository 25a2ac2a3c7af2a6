package io.lakeforge.cli;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.BranchInfo;
import io.lakeforge.runtime.LakebaseBranchException;
import io.lakeforge.runtime.LakebaseBranches;
import io.lakeforge.annotations.LakebaseIds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code branch create|delete|list|extend}: ephemeral branches through the Lakebase API, for CI and
 * people. Authentication is the SDK's default chain (so {@code DATABRICKS_AUTH_TYPE=github-oidc}
 * works in Actions with no secret). Output never holds a credential. Exit codes: 0 ok, 1 failure,
 * 2 usage.
 */
final class BranchCommand {

  static final String USAGE = """
      Usage: java -jar lakeforge-cli.jar branch SUBCOMMAND [OPTIONS]
        branch create --project P --branch B --from SOURCE [--ttl 7d] [--budget 10m]
        branch extend --project P --branch B [--ttl 7d]
        branch delete --project P --branch B
        branch list   --project P
        branch migrate --project P --branch B --migrations DIR [--plan FILE]
                       [--show-server-messages]
        branch pending --project P --branch B --migrations DIR
      Options:
        --project P      the Lakebase project id (default: PROJECT_NAME)
        --branch B       the ephemeral branch id, e.g. pr-42
        --from SOURCE    the source branch id, e.g. staging
        --ttl T          expiry from now: 30m, 12h, 7d, 604800s or ISO-8601 (default 7d, at most 30d)
        --budget T       how long create waits for the branch and its endpoint (default 10m)
        --topology FILE  the compiled topology, the bundle file LakeForge generates (default:
                         resources/lakebase.yml in the working directory); its branches and
                         every protected branch are never created, extended, migrated or
                         deleted here
        --declared LIST  more declared branch ids, treated like the topology's
                         (default: CUSTOM_BRANCHES; production is always declared)
        --force          without a topology, act on a branch that does not look like one
                         LakeForge creates (see below)
        --migrations DIR Flyway SQL migrations (V1__name.sql ...) to apply to an ephemeral branch,
                         through LakebaseDataSource (PGDATABASE, PGPORT, PGSSLMODE, ... apply)
                         pending (read-only, declared branches too) lists the migrations the
                         branch has not applied (version, description, checksum) and fails on
                         drift: an applied migration changed or missing here, or one older than
                         the branch's version still pending
        --plan FILE      migrate applies exactly the reviewed plan (pending's JSON): refused when
                         the branch's version or the files' checksums differ from it; required
                         for a declared branch
        --show-server-messages
                         migrate prints PostgreSQL's messages (errors, notices) in full; off by
                         default, since they can carry table data into a public CI log
        --output json    machine-readable output (default: text); a failure is then one JSON
                         object on standard error: {"error": ..., "exit_status": 1, ...}
      Without a topology file these commands act only on branches LakeForge creates: ids
      pr-<number> (previews) or test-<suffix> (the test kit) that have an expiry.
      Authentication: the Databricks SDK's default chain (DATABRICKS_HOST with OAuth M2M,
      DATABRICKS_AUTH_TYPE=github-oidc, a profile, ...).
      Errors are one line on standard error, secrets masked: error: lakeforge branch ...: ...
      Exit codes: 0 ok, 1 the operation failed, 2 usage error.
      """;

  private static final Set<String> FLAGS = Set.of("--project", "--branch", "--from", "--ttl",
      "--budget", "--declared", "--output", "--migrations", "--topology", "--plan");
  /** Options without a value. */
  private static final Set<String> SWITCHES = Set.of("--show-server-messages", "--force");

  private static final List<String> SUBCOMMANDS =
      List.of("create", "extend", "delete", "list", "migrate", "pending");

  /** The ids LakeForge gives the branches it creates: previews and the test kit's. */
  static final Pattern LAKEFORGE_IDS = Pattern.compile("pr-[0-9]+|test-[a-z0-9]+");

  private BranchCommand() {}

  /**
   * Runs a branch subcommand. Every failure, an unexpected exception included, ends as one
   * {@link ErrorReport} line, never a stack trace.
   */
  static int run(Map<String, String> env, String[] args, Path workDir, PrintStream out,
      PrintStream err, Supplier<WorkspaceClient> clients) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      if (args.length == 0) {
        err.print(USAGE);
        return 2;
      }
      out.print(USAGE);
      return 0;
    }
    ErrorReport report = new ErrorReport(Redactor.of(env), wantsJson(args), err);
    if (!SUBCOMMANDS.contains(args[0])) {
      return report.usage("branch", "unknown command \"branch " + args[0] + "\"; the branch"
          + " commands are " + String.join(", ", SUBCOMMANDS));
    }
    String command = "branch " + args[0];
    try {
      return run(env, args, workDir, out, err, clients, report);
    } catch (RuntimeException e) {
      return report.fail(command, unexpected(e));
    }
  }

  private static int run(Map<String, String> env, String[] args, Path workDir, PrintStream out,
      PrintStream err, Supplier<WorkspaceClient> clients, ErrorReport report) {
    String sub = args[0];
    String command = "branch " + sub;
    Map<String, String> opts = new HashMap<>();
    Set<String> switches = new HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help")) {
        out.print(USAGE);
        return 0;
      }
      if (SWITCHES.contains(a)) {
        switches.add(a);
        continue;
      }
      String value;
      String flag = a;
      int eq = a.indexOf('=');
      if (eq > 0) {
        flag = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else if (!FLAGS.contains(flag)) {
        return report.usage(command, "unknown option " + flag);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return report.usage(command, "option " + a + " needs a value");
      }
      if (!FLAGS.contains(flag)) {
        return report.usage(command, "unknown option " + flag);
      }
      opts.put(flag, value);
    }
    String project = opts.getOrDefault("--project", env.getOrDefault("PROJECT_NAME", ""));
    if (project.isBlank()) {
      return report.usage(command, "--project is required (or PROJECT_NAME)");
    }
    boolean json;
    String output = opts.getOrDefault("--output", "text");
    if (output.equals("json")) {
      json = true;
    } else if (output.equals("text")) {
      json = false;
    } else {
      return report.usage(command, "--output is text or json, not \"" + output + "\"");
    }
    if (switches.contains("--show-server-messages") && !sub.equals("migrate")) {
      return report.usage(command, "--show-server-messages is an option of branch migrate");
    }
    String branch = opts.get("--branch");
    Duration ttl;
    Duration budget;
    String ttlText = opts.getOrDefault("--ttl", "7d");
    try {
      ttl = duration(ttlText);
      budget = duration(opts.getOrDefault("--budget", "10m"));
    } catch (IllegalArgumentException e) {
      return report.usage(command, e.getMessage());
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(LakebaseBranches.MAX_TTL) > 0) {
      return report.usage(command, "--ttl " + ttlText + " is outside what Lakebase allows: a"
          + " branch expires at most 30 days (30d) from now, and after more than 0s. Use e.g. 7d"
          + " or 30d.");
    }
    boolean mutates = !sub.equals("list") && !sub.equals("pending");
    if (sub.equals("pending") && (branch == null || !LakebaseIds.isValid(branch))) {
      return report.usage(command, "branch pending needs --branch (a valid branch id)");
    }
    if (mutates && (branch == null || branch.isBlank())) {
      return report.usage(command, "branch " + sub + " needs --branch");
    }
    if (mutates && !LakebaseIds.isValid(branch)) {
      return report.usage(command, "--branch \"" + branch + "\" is not a valid branch id: "
          + LakebaseIds.RULE + ". For a pull request use e.g. pr-42.");
    }
    TopologyFile topology;
    try {
      topology = topology(opts.get("--topology"), workDir);
    } catch (IllegalArgumentException e) {
      return report.usage(command, e.getMessage());
    }
    Set<String> declaredIds = new LinkedHashSet<>();
    declaredIds.add("production");
    if (topology != null) {
      declaredIds.addAll(topology.branches().keySet());
    }
    for (String id : opts.getOrDefault("--declared", env.getOrDefault("CUSTOM_BRANCHES", ""))
        .split(",")) {
      if (!id.isBlank()) {
        declaredIds.add(id.strip());
      }
    }
    List<BranchRef> declared = new ArrayList<>();
    for (String id : declaredIds) {
      declared.add(new BranchRef(project, id, BranchRef.PRIMARY, ""));
    }
    boolean force = switches.contains("--force");
    String path = "projects/" + project + "/branches/" + branch;
    if ((sub.equals("migrate") || sub.equals("pending")) && !opts.containsKey("--migrations")) {
      return report.usage(command,
          "branch " + sub + " needs --migrations (a directory of SQL migrations)");
    }
    if (sub.equals("create") && !opts.containsKey("--from")) {
      return report.usage(command, "branch create needs --from (the source branch id)");
    }
    if (mutates && topology == null && !force && !declaredIds.contains(branch)
        && !LAKEFORGE_IDS.matcher(branch).matches()) {
      return report.fail(command, "refusing to " + sub + " " + path + ": " + NO_TOPOLOGY
          + " and " + branch + " is not such an id.");
    }
    WorkspaceClient client = null;
    try {
      client = clients.get();
      // Log in before the first call, so that a failure is reported as the login's, with what
      // to check for the auth type in use, rather than as the failure of some API call.
      client.config().authenticate();
    } catch (RuntimeException e) {
      return report.fail(command, Authentication.failure(env,
          client == null ? null : client.config().getAuthType(), e));
    }
    try {
      LakebaseBranches branches = LakebaseBranches.of(client, project, declared);
      if (mutates && !declaredIds.contains(branch)) {
        // Declared ones are refused by LakebaseBranches and Migrate, with their own reason.
        Optional<BranchInfo> existing = branches.find(branch);
        if (existing.isPresent() && existing.get().isProtected()) {
          return report.fail(command, "refusing to " + sub + " " + path + ": it is protected;"
              + " a protected branch is the bundle's or a person's, never an ephemeral one.");
        }
        if (existing.isPresent() && topology == null && !force
            && existing.get().expireTime() == null) {
          return report.fail(command, "refusing to " + sub + " " + path + ": " + NO_TOPOLOGY
              + ", and this branch has no expiry, so LakeForge did not create it.");
        }
      }
      switch (sub) {
        case "create" -> {
          BranchRef source = declared.stream()
              .filter(r -> r.branchId().equals(opts.get("--from"))).findFirst()
              .orElse(new BranchRef(project, opts.get("--from"), BranchRef.PRIMARY, ""));
          BranchInfo info = branches.create(source, branch, ttl, budget);
          print(out, json, "ready", info);
        }
        case "extend" -> {
          branches.extend(branch, ttl);
          Optional<BranchInfo> info = branches.find(branch);
          print(out, json, "extended", info.orElseThrow());
        }
        case "migrate" -> {
          return Migrate.run(env, client, branches, branch, opts.get("--migrations"),
              opts.get("--plan"), json, switches.contains("--show-server-messages"), out, err,
              report);
        }
        case "pending" -> {
          return Migrate.pending(env, client, branches, branch, opts.get("--migrations"), json,
              out, report);
        }
        case "delete" -> {
          boolean deleted = branches.delete(branch);
          if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("branch", path);
            m.put("deleted", deleted);
            out.println(write(m));
          } else {
            out.println(deleted ? "deleted " + path : "no branch " + path + " (nothing to delete)");
          }
        }
        default -> {
          List<BranchInfo> all = branches.list();
          if (json) {
            List<Object> list = new ArrayList<>();
            for (BranchInfo b : all) {
              // The host as create shows it: list() reads branches only.
              list.add(fields(LakebaseIds.isValid(b.branchId())
                  ? branches.find(b.branchId()).orElse(b) : b));
            }
            out.println(write(Map.of("branches", list)));
          } else {
            for (BranchInfo b : all) {
              out.printf("%-28s %-9s %-10s %-13s %s%n", b.branchId(),
                  b.kind().name().toLowerCase(Locale.ROOT),
                  b.sourceBranchId() == null ? "-" : b.sourceBranchId(),
                  b.isProtected() ? "protected" : "not protected",
                  b.expireTime() == null ? "no expiry" : "expires " + b.expireTime());
            }
          }
        }
      }
      return 0;
    } catch (LakebaseBranchException e) {
      return report.fail(command, e.getMessage());
    } catch (DatabricksException e) {
      return report.fail(command, "Databricks: " + e.getMessage());
    }
  }

  static final String NO_TOPOLOGY = "no topology was found (" + TopologyFile.DEFAULT
      + " in the working directory, or --topology FILE), and without one the branch commands"
      + " act only on branches LakeForge creates: ids pr-<number> or test-<suffix> with an"
      + " expiry. Pass --topology, or --force if you are sure";

  /**
   * The compiled topology: {@code --topology FILE}, else the bundle file in the working
   * directory if there is one, else {@code null}.
   *
   * @throws IllegalArgumentException when the named or found file cannot be read as one
   */
  private static TopologyFile topology(String option, Path workDir) {
    Path file = workDir.resolve(option != null ? Path.of(option) : TopologyFile.DEFAULT);
    if (option == null && !Files.isRegularFile(file)) {
      return null;
    }
    try {
      return TopologyFile.read(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("--topology " + file + " cannot be read ("
          + e.getClass().getSimpleName() + "); name the bundle file LakeForge generated,"
          + " resources/lakebase.yml");
    }
  }

  /** Whether the arguments ask for JSON, looked up before they are parsed (for usage errors). */
  static boolean wantsJson(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--output=json")
          || (args[i].equals("--output") && i + 1 < args.length && args[i + 1].equals("json"))) {
        return true;
      }
    }
    return false;
  }

  /** A bug or an unforeseen failure: its type and message (masked by the report), no trace. */
  static String unexpected(Throwable e) {
    return "unexpected " + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static void print(PrintStream out, boolean json, String verb, BranchInfo info) {
    if (json) {
      out.println(write(fields(info)));
      return;
    }
    out.println(verb + " " + info.branchPath()
        + (info.sourceBranchId() == null ? "" : " (from " + info.sourceBranchId() + ")"));
    out.println("  endpoint " + info.ref().readWriteEndpointPath()
        + (info.host() == null ? "" : " host " + info.host()));
    out.println("  " + (info.expireTime() == null ? "no expiry" : "expires "
        + info.expireTime()));
  }

  private static Map<String, Object> fields(BranchInfo b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("branch", b.branchPath());
    m.put("branch_id", b.branchId());
    m.put("kind", b.kind().name().toLowerCase(Locale.ROOT));
    m.put("source_branch", b.sourceBranchId());
    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("path", b.ref().readWriteEndpointPath());
    endpoint.put("type", "read_write");
    endpoint.put("host", b.host());
    m.put("endpoints", List.of(endpoint));
    m.put("expire_time", b.expireTime() == null ? null : b.expireTime().toString());
    m.put("protected", b.isProtected());
    m.put("state", b.state());
    return m;
  }

  static String write(Object value) {
    try {
      return new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code 30m}, {@code 12h}, {@code 7d}, {@code 604800s} or ISO-8601 ({@code P7D}). */
  static Duration duration(String text) {
    String t = text.strip();
    try {
      if (t.matches("\\d+[smhd]")) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(t);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration: write 30m, 12h, 7d,"
          + " 604800s or P7D");
    }
  }
}
