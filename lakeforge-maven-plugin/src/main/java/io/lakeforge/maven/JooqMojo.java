package io.lakeforge.maven;

import io.lakeforge.testing.LocalLakebase;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;

/**
 * Generates jOOQ classes from the module's Flyway migrations: applies them, in Flyway's order, to
 * a throw-away embedded PostgreSQL (the one LakeForge's tests use, superuser behind a random
 * password) and runs jOOQ's code generator on the result, so the generated tables are exactly what
 * PostgreSQL made of the SQL, extensions, functions and all. Names render unqualified (the
 * schema is the connection's default), so the classes serve every branch and database that holds
 * these migrations.
 *
 * <p>Incremental: the migrations (name and content), the package and the schema make a
 * fingerprint stored beside the output; when it matches, no server starts and nothing is written,
 * and the compiler sees unchanged files. A migration Flyway rejects fails the build with Flyway's
 * message; a migration that breaks code still using a dropped column fails the compiler with its
 * own error.
 */
@Mojo(name = "jooq", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class JooqMojo extends AbstractMojo {

  private static final String FINGERPRINT = ".lakeforge-jooq";

  /** Public for Maven's injection only; use the plugin through its goals. */
  public JooqMojo() {}

  /** The Flyway migrations ({@code V1__name.sql}, …) of the database these classes are for. */
  @Parameter(property = "lakeforge.jooq.migrations",
      defaultValue = "${project.basedir}/src/main/resources/db/migration", required = true)
  private File migrations;

  /** The package of the generated classes, for example {@code com.example.shop.db.orders}. */
  @Parameter(property = "lakeforge.jooq.packageName", required = true)
  private String packageName;

  /** The PostgreSQL schema the migrations create their objects in. */
  @Parameter(property = "lakeforge.jooq.schema", defaultValue = "public", required = true)
  private String schema;

  /** Where the classes go; added as a compile source root. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/lakeforge-jooq",
      required = true)
  private File outputDirectory;

  /** Skips every LakeForge goal. */
  @Parameter(property = "lakeforge.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    Path out = outputDirectory.toPath();
    project.addCompileSourceRoot(out.toString()); // skipped too: the classes there still compile
    if (skip) {
      getLog().info("LakeForge: skipped (lakeforge.skip)");
      return;
    }
    Path dir = migrations.toPath();
    if (!Files.isDirectory(dir)) {
      throw new MojoFailureException("LakeForge: no migrations at " + dir + " (lakeforge.jooq"
          + ".migrations). Point <migrations> at the Flyway folder the application runs.");
    }
    try {
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      Fingerprint fingerprint = new Fingerprint().add("package", packageName)
          .add("schema", schema).add("jooq", org.jooq.Constants.VERSION);
      for (Path f : files) {
        fingerprint.add(dir.relativize(f).toString(),
            new Fingerprint().add("content", Files.readString(f, StandardCharsets.UTF_8)).hex());
      }
      String inputs = fingerprint.hex();
      Path stored = out.resolve(FINGERPRINT);
      if (Files.isRegularFile(stored) && Files.readString(stored).strip().equals(inputs)) {
        getLog().info("LakeForge: jOOQ classes up to date (" + files.size() + " migration files)");
        return;
      }
      long start = System.nanoTime();
      int applied = generate(dir, out);
      Files.writeString(stored, inputs + "\n");
      getLog().info("LakeForge: generated jOOQ classes in " + packageName + " from " + applied
          + " migrations in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    } catch (IOException | SQLException e) {
      throw new MojoExecutionException("LakeForge: could not generate jOOQ classes: " + e, e);
    }
  }

  private int generate(Path dir, Path out) throws IOException, SQLException,
      MojoFailureException, MojoExecutionException {
    try (LocalLakebase server = LocalLakebase.start("lakeforge_codegen", "codegen", false, 20)) {
      DataSource db = server.superuser("codegen");
      int applied;
      try {
        applied = Flyway.configure().dataSource(db).schemas(schema)
            .locations("filesystem:" + dir.toAbsolutePath()).load().migrate().migrationsExecuted;
      } catch (FlywayException e) {
        throw new MojoFailureException("LakeForge: a migration in " + dir + " failed on"
            + " PostgreSQL, so no jOOQ classes were generated: " + e.getMessage(), e);
      }
      Configuration configuration = new Configuration()
          .withLogging(Logging.WARN)
          .withGenerator(new Generator()
              .withDatabase(new Database()
                  .withName("org.jooq.meta.postgres.PostgresDatabase")
                  .withInputSchema(schema)
                  .withOutputSchemaToDefault(true)
                  .withExcludes("flyway_schema_history"))
              .withGenerate(new Generate().withGeneratedAnnotation(false)
                  .withDaos(false).withPojos(false))
              .withTarget(new Target().withPackageName(packageName)
                  .withDirectory(out.toString()).withClean(true)));
      try (Connection c = db.getConnection()) {
        GenerationTool tool = new GenerationTool();
        tool.setConnection(c);
        tool.run(configuration);
      } catch (SQLException e) {
        throw e;
      } catch (Exception e) {
        throw new MojoExecutionException("LakeForge: jOOQ's code generator failed: " + e, e);
      }
      return applied;
    }
  }
}
