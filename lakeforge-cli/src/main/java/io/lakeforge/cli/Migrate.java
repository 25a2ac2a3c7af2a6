package io.lakeforge.cli;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.BranchInfo;
import io.lakeforge.runtime.LakebaseBranches;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseDataSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code branch migrate}: applies a directory of Flyway SQL migrations to an ephemeral branch,
 * logging in through {@link LakebaseDataSource} (a minted credential, never a stored password).
 * Only SQL files are read; no Java migration or callback class is loaded. Declared branches are
 * refused: their schema is the application's own deployment's business.
 */
final class Migrate {

  private Migrate() {}

  static int run(Map<String, String> env, WorkspaceClient client, LakebaseBranches branches,
      String branch, String dir, boolean json, PrintStream out, PrintStream err) {
    Path migrations = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(migrations)) {
      err.println("lakeforge branch migrate: " + migrations + " is not a directory.");
      return 1;
    }
    Optional<BranchInfo> found = branches.find(branch);
    if (found.isEmpty()) {
      err.println("lakeforge branch migrate: branch projects/" + branches.projectId()
          + "/branches/" + branch + " does not exist; create it first.");
      return 1;
    }
    BranchInfo info = found.get();
    if (info.kind() == BranchInfo.Kind.DECLARED) {
      err.println("lakeforge branch migrate: refusing to migrate " + info.branchPath()
          + ": the topology declares it; only ephemeral branches are migrated here.");
      return 1;
    }
    Map<String, String> settings = new HashMap<>(env);
    // The branch's endpoint decides the host.
    settings.remove("PGHOST");
    settings.put("LAKEBASE_ENDPOINT", info.ref().readWriteEndpointPath());
    settings.putIfAbsent("LAKEBASE_POOL_MAX_SIZE", "2");
    LakebaseConfig config = LakebaseConfig.fromEnvironment(settings);
    try (LakebaseDataSource data = LakebaseDataSource.create(config, client)) {
      MigrateResult result = Flyway.configure(Migrate.class.getClassLoader())
          .dataSource(data)
          .locations("filesystem:" + migrations)
          .sqlMigrationSuffixes(".sql")
          .load()
          .migrate();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("branch", info.branchPath());
        m.put("migrations_executed", result.migrationsExecuted);
        m.put("schema_version", result.targetSchemaVersion);
        out.println(BranchCommand.write(m));
      } else {
        out.println("migrated " + info.branchPath() + ": " + result.migrationsExecuted
            + " migration(s) applied, schema version " + result.targetSchemaVersion);
      }
      return 0;
    } catch (FlywayException e) {
      err.println("lakeforge branch migrate: " + e.getMessage());
      return 1;
    }
  }
}
