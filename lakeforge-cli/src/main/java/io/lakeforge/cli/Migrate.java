package io.lakeforge.cli;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.BranchInfo;
import io.lakeforge.runtime.LakebaseBranches;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseConfigException;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebaseException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.jspecify.annotations.Nullable;

/**
 * {@code branch migrate}: applies a directory of Flyway SQL migrations to an ephemeral branch,
 * logging in through {@link LakebaseDataSource} (a minted credential, never a stored password).
 * Only SQL files are read; no Java migration or callback class is loaded. Declared branches are
 * refused: their schema is the application's own deployment's business.
 *
 * <p>The preview job runs a pull request's SQL in a public CI log, and SQL can put table data into
 * a server message ({@code raise exception '%', (select string_agg(email, ', ') from
 * customers)}). So nothing the server wrote (error message, detail, hint, where, notices) is
 * printed unless {@code --show-server-messages} asks for it: a failure names the migration, the
 * line and the SQLSTATE, and says how to read the message privately.
 */
final class Migrate {

  static final String WITHHELD = "The server's message is withheld because this output may be a"
      + " public CI log. To read it, run the migration against the branch with your own"
      + " credentials (branch migrate ... --show-server-messages) or against a local PostgreSQL.";

  private Migrate() {}

  static int run(Map<String, String> env, WorkspaceClient client, LakebaseBranches branches,
      String branch, String dir, @Nullable String planFile, boolean json,
      boolean showServerMessages, PrintStream out, PrintStream err, ErrorReport report) {
    String command = "branch migrate";
    com.fasterxml.jackson.databind.JsonNode reviewed = null;
    if (planFile != null) {
      try {
        reviewed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
            Files.readString(Path.of(planFile)));
      } catch (java.io.IOException | RuntimeException e) {
        return report.fail(command, "could not read the plan " + planFile + " (the output of"
            + " branch pending --output json): " + e.getMessage());
      }
    }
    Path migrations = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(migrations)) {
      return report.fail(command, migrations + " is not a directory.");
    }
    Optional<BranchInfo> found = branches.find(branch);
    if (found.isEmpty()) {
      return report.fail(command, "branch projects/" + branches.projectId() + "/branches/"
          + branch + " does not exist; create it first.");
    }
    BranchInfo info = found.get();
    if (info.kind() == BranchInfo.Kind.DECLARED && reviewed == null) {
      return report.fail(command, "refusing to migrate " + info.branchPath()
          + ": the topology declares it; a declared branch is migrated only with the plan its"
          + " reviewer approved (--plan, from branch pending).");
    }
    if (reviewed != null && !info.branchPath().equals(reviewed.path("branch").asText())) {
      return report.fail(command, "the plan " + planFile + " is for "
          + reviewed.path("branch").asText() + ", not " + info.branchPath() + ".");
    }
    LakebaseConfig config;
    try {
      config = config(env, info);
    } catch (LakebaseConfigException e) {
      return report.fail(command, e.getMessage(), Map.of("variable", e.variable()));
    }
    Redactor redactor = report.redactor();
    FlywayLog.show(showServerMessages ? line -> err.println(redactor.line(line)) : null);
    try (LakebaseDataSource data = LakebaseDataSource.create(config, client)) {
      var configuration = flyway(data, migrations);
      if (reviewed != null) {
        // Exactly what was reviewed: the same starting version and the same files, by checksum.
        Plan now = plan(flyway(data, migrations).ignoreMigrationPatterns("*:pending").load(), dir);
        List<String> planned = new ArrayList<>();
        String last = null;
        for (com.fasterxml.jackson.databind.JsonNode p : reviewed.path("pending")) {
          planned.add("V" + p.path("version").asText() + ":" + p.path("checksum").asText());
          last = p.path("version").asText();
        }
        String plannedVersion = reviewed.path("schema_version").isNull() ? null
            : reviewed.path("schema_version").asText(null);
        if (!now.drift().isEmpty() || !java.util.Objects.equals(plannedVersion, now.version())
            || !planned.equals(now.pins())) {
          return report.fail(command, info.branchPath() + " or its migrations changed since the"
              + " plan was reviewed (planned: version " + plannedVersion + ", " + planned
              + "; now: version " + now.version() + ", " + now.pins()
              + (now.drift().isEmpty() ? "" : ", drift") + "). Nothing was applied; plan again.",
              Map.of("branch", info.branchPath()));
        }
        if (last == null) {
          out.println(json ? BranchCommand.write(Map.of("branch", info.branchPath(),
              "migrations_executed", 0)) : "nothing to migrate on " + info.branchPath()
              + ": the reviewed plan has no pending migration");
          return 0;
        }
        configuration.target(last);
      }
      Flyway flyway = configuration.load();
      MigrateResult result = flyway.migrate();
      // Flyway leaves targetSchemaVersion null when nothing was applied: the branch's version is
      // then its current one (null before any migration).
      String version = result.targetSchemaVersion;
      if (version == null && flyway.info().current() != null
          && flyway.info().current().getVersion() != null) {
        version = flyway.info().current().getVersion().getVersion();
      }
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("branch", info.branchPath());
        m.put("migrations_executed", result.migrationsExecuted);
        m.put("schema_version", version);
        out.println(BranchCommand.write(m));
      } else {
        out.println((result.migrationsExecuted == 0
            ? "nothing to migrate on " + info.branchPath() + ": "
            : "migrated " + info.branchPath() + ": " + result.migrationsExecuted
                + " migration(s) applied, ")
            + (version == null ? "no schema version yet (no migration applied)"
                : "schema version " + version));
      }
      return 0;
    } catch (FlywayException e) {
      return failed(command, info, e, showServerMessages, report);
    } catch (LakebaseException e) {
      // LakeForge's own messages (credentials, configuration) hold no server text.
      return report.fail(command, e.getMessage(), Map.of("branch", info.branchPath()));
    } catch (RuntimeException e) {
      SQLException sql = deepestSqlException(e);
      if (sql == null) {
        throw e;
      }
      return failed(command, info, new FlywayException("unexpected " + e.getClass().getSimpleName(),
          e), showServerMessages, report);
    } finally {
      FlywayLog.show(null);
    }
  }

  /**
   * {@code branch pending}: what {@code migrate} would apply to a branch, read-only (Flyway's
   * {@code info} and {@code validate}, no lock, no write), for a declared branch too: the plan a
   * reviewer approves. Drift stops it: an applied migration whose checksum differs from the file,
   * an applied one with no file, or a file older than the branch's version that was never applied
   * (out of order). Exit 0 with the pending list (possibly empty), 1 on drift.
   */
  static int pending(Map<String, String> env, WorkspaceClient client, LakebaseBranches branches,
      String branch, String dir, boolean json, PrintStream out, ErrorReport report) {
    String command = "branch pending";
    Path migrations = Path.of(dir).toAbsolutePath().normalize();
    Optional<BranchInfo> found = Files.isDirectory(migrations) ? branches.find(branch)
        : Optional.empty();
    if (found.isEmpty()) {
      return report.fail(command, !Files.isDirectory(migrations)
          ? migrations + " is not a directory."
          : "branch projects/" + branches.projectId() + "/branches/" + branch + " does not exist.");
    }
    BranchInfo info = found.get();
    LakebaseConfig config;
    try {
      config = config(env, info);
    } catch (LakebaseConfigException e) {
      return report.fail(command, e.getMessage(), Map.of("variable", e.variable()));
    }
    FlywayLog.show(null);
    try (LakebaseDataSource data = LakebaseDataSource.create(config, client)) {
      Plan plan = plan(flyway(data, migrations).ignoreMigrationPatterns("*:pending").load(), dir);
      String version = plan.version();
      List<Map<String, Object>> pending = plan.pending();
      List<Map<String, Object>> drift = plan.drift();
      if (!drift.isEmpty()) {
        StringBuilder message = new StringBuilder("drift on ").append(info.branchPath())
            .append(", so nothing can be planned:");
        for (Map<String, Object> d : drift) {
          message.append(" V").append(d.get("version")).append(" (").append(d.get("script"))
              .append(") ").append(d.get("problem")).append(';');
        }
        message.append(" see docs/operations.md, \"Migration drift\".");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("branch", info.branchPath());
        details.put("drift", drift);
        return report.fail(command, message.toString(), details);
      }
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("branch", info.branchPath());
        m.put("schema_version", version);
        m.put("pending", pending);
        out.println(BranchCommand.write(m));
      } else {
        out.println(info.branchPath() + ": schema version " + (version == null ? "none" : version)
            + ", " + pending.size() + " pending migration(s)");
        for (Map<String, Object> p : pending) {
          out.println("  V" + p.get("version") + "  " + p.get("description") + "  checksum "
              + p.get("checksum"));
        }
      }
      return 0;
    } catch (FlywayException e) {
      return failed(command, info, e, false, report);
    } catch (LakebaseException e) {
      return report.fail(command, e.getMessage(), Map.of("branch", info.branchPath()));
    }
  }

  /** What a branch's schema history and a migrations directory say, as {@code pending} reports it. */
  record Plan(@Nullable String version, List<Map<String, Object>> pending,
      List<Map<String, Object>> drift) {

    /** The pending migrations as version and checksum pairs, what a reviewed plan pins. */
    List<String> pins() {
      List<String> pins = new ArrayList<>();
      for (Map<String, Object> p : pending) {
        pins.add("V" + p.get("version") + ":" + p.get("checksum"));
      }
      return pins;
    }
  }

  /** Settings for the branch's read-write endpoint: its endpoint decides the host. */
  private static LakebaseConfig config(Map<String, String> env, BranchInfo info) {
    Map<String, String> settings = new HashMap<>(env);
    settings.remove("PGHOST");
    settings.put("LAKEBASE_ENDPOINT", info.ref().readWriteEndpointPath());
    settings.putIfAbsent("LAKEBASE_POOL_MAX_SIZE", "2");
    return LakebaseConfig.fromEnvironment(settings);
  }

  /** Flyway on the branch: SQL files of {@code migrations} only, no Java migration or callback. */
  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DataSource data,
      Path migrations) {
    return Flyway.configure(Migrate.class.getClassLoader())
        .loggers(FlywayLog.class.getName())
        .dataSource(data)
        .locations("filesystem:" + migrations)
        .sqlMigrationSuffixes(".sql");
  }

  /** Flyway configured with {@code ignoreMigrationPatterns("*:pending")}: info only, no writes. */
  static Plan plan(Flyway flyway, String dir) {
    org.flywaydb.core.api.MigrationInfoService infos = flyway.info();
    MigrationInfo current = infos.current();
    String version = current == null || current.getVersion() == null ? null
        : current.getVersion().getVersion();
    List<Map<String, Object>> pending = new ArrayList<>();
    for (MigrationInfo m : infos.pending()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("version", m.getVersion() == null ? null : m.getVersion().getVersion());
      p.put("description", m.getDescription());
      p.put("checksum", m.getChecksum());
      p.put("script", m.getScript());
      pending.add(p);
    }
    List<Map<String, Object>> drift = new ArrayList<>();
    for (MigrationInfo m : infos.all()) {
      String problem = switch (m.getState()) {
        case MISSING_SUCCESS, MISSING_FAILED, FUTURE_SUCCESS, FUTURE_FAILED ->
            "applied on the branch, but no such file in " + dir;
        case IGNORED -> "older than the branch's version " + version + " and never applied"
            + " (out of order)";
        case FAILED -> "failed on the branch; repair it before migrating again";
        default -> null;
      };
      if (problem == null && m.getState().isApplied()
          && Boolean.FALSE.equals(m.isChecksumMatching())) {
        problem = "changed since it was applied: its checksum differs";
      }
      if (problem != null) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", m.getVersion() == null ? null : m.getVersion().getVersion());
        d.put("script", m.getScript());
        d.put("problem", problem);
        drift.add(d);
      }
    }
    return new Plan(version, pending, drift);
  }

  private static int failed(String command, BranchInfo info, FlywayException e,
      boolean showServerMessages, ErrorReport report) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("branch", info.branchPath());
    SQLException sql = deepestSqlException(e);
    StringBuilder message = new StringBuilder();
    // The one Flyway class outside its api package used here: only it knows the failing
    // migration and line. Flyway is pinned, and a change breaks the build, not the output.
    if (e instanceof FlywayMigrateException m && m.getMigration() != null) {
      MigrationInfo migration = m.getMigration();
      String version = migration.getVersion() == null ? null : migration.getVersion().getVersion();
      Map<String, Object> shown = new LinkedHashMap<>();
      shown.put("version", version);
      shown.put("description", migration.getDescription());
      shown.put("script", migration.getScript());
      details.put("migration", shown);
      message.append("migration ").append(version == null ? "(repeatable)" : "V" + version)
          .append(" (").append(migration.getScript()).append(") failed");
      if (m.getLineNumber() > 0) {
        message.append(" at line ").append(m.getLineNumber());
        details.put("line", m.getLineNumber());
      }
      if (m.getErrorResult() != null) {
        details.put("migrations_executed", m.getErrorResult().migrationsExecuted);
      }
    } else {
      message.append("Flyway failed on ").append(info.branchPath());
    }
    if (sql == null) {
      // Flyway's own text (validation, checksums, resolution): no server message in it.
      message.append(": ").append(e.getMessage());
      return report.fail(command, message.toString(), details);
    }
    String state = sql.getSQLState();
    if (state != null) {
      message.append(" with SQLSTATE ").append(state);
      String condition = conditionClass(state);
      if (condition != null) {
        message.append(" (").append(condition).append(')');
      }
      details.put("sqlstate", state);
    }
    message.append(". ");
    if (showServerMessages) {
      message.append("Server: ").append(sql.getMessage());
      details.put("server_message", report.redactor().line(String.valueOf(sql.getMessage())));
    } else {
      message.append(WITHHELD);
      details.put("server_message", "withheld");
    }
    return report.fail(command, message.toString(), details);
  }

  /** The SQLException closest to the server in the cause chain, or {@code null}. */
  static @Nullable SQLException deepestSqlException(Throwable e) {
    SQLException found = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SQLException s) {
        found = s;
      }
    }
    return found;
  }

  /** PostgreSQL's name of a SQLSTATE's class (Appendix A), for the classes a migration meets. */
  static @Nullable String conditionClass(String state) {
    if (state.equals("P0001")) {
      return "raise_exception";
    }
    return switch (state.length() < 2 ? "" : state.substring(0, 2)) {
      case "08" -> "connection exception";
      case "0A" -> "feature not supported";
      case "22" -> "data exception";
      case "23" -> "integrity constraint violation";
      case "25" -> "invalid transaction state";
      case "28" -> "invalid authorization specification";
      case "3D" -> "invalid catalog name";
      case "3F" -> "invalid schema name";
      case "40" -> "transaction rollback";
      case "42" -> "syntax error or access rule violation";
      case "53" -> "insufficient resources";
      case "54" -> "program limit exceeded";
      case "55" -> "object not in prerequisite state";
      case "57" -> "operator intervention";
      case "P0" -> "PL/pgSQL error";
      case "XX" -> "internal error";
      default -> null;
    };
  }
}
