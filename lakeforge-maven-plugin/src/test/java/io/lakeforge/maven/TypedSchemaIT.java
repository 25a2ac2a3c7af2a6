package io.lakeforge.maven;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A service module ({@code src/it/typed-schema}) whose queries use jOOQ classes the {@code jooq}
 * goal generates from its Flyway migrations, built with the real Maven Wrapper. The steps build on
 * each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TypedSchemaIT {

  private static Path project;
  private static Path table;
  private static Path migrations;

  @BeforeAll
  static void writeTheProject() throws Exception {
    project = ItBuild.copy("typed-schema");
    table = project.resolve("target/generated-sources/lakeforge-jooq/com/example/shop/db/tables/Orders.java");
    migrations = project.resolve("src/main/resources/db/migration");
  }

  @Test
  @Order(1)
  void theMigrationsBecomeJooqClassesThatTheQueriesCompileAgainst() throws Exception {
    ItBuild.Build build = ItBuild.maven(project, Map.of(), "compile");
    assertEquals(0, build.exitCode(), build.output());
    assertTrue(build.output().contains("LakeForge: generated jOOQ classes in com.example.shop.db"
        + " from 1 migrations"), build.output());
    assertTrue(Files.readString(table, UTF_8).contains("AMOUNT"), "the column became a field");
    assertTrue(Files.isRegularFile(project.resolve("target/classes/com/example/shop/Totals.class")));
  }

  @Test
  @Order(2)
  void unchangedMigrationsStartNoServerAndWriteNothing() throws Exception {
    FileTime before = Files.getLastModifiedTime(table);
    ItBuild.Build build = ItBuild.maven(project, Map.of(), "compile");
    assertEquals(0, build.exitCode(), build.output());
    assertTrue(build.output().contains("LakeForge: jOOQ classes up to date (1 migration files)"),
        build.output());
    assertFalse(build.output().contains("generated jOOQ classes"), build.output());
    assertEquals(before, Files.getLastModifiedTime(table));
  }

  @Test
  @Order(3)
  void aMigrationThatDropsAColumnStillUsedFailsTheBuildWithTheCompilersError() throws Exception {
    Path drop = migrations.resolve("V2__drop_amount.sql");
    Files.writeString(drop, "alter table orders drop column amount;\n", UTF_8);
    try {
      ItBuild.Build build = ItBuild.maven(project, Map.of(), "compile");
      assertNotEquals(0, build.exitCode(), build.output());
      assertTrue(build.output().contains("from 2 migrations"), build.output());
      assertTrue(build.output().contains("Totals.java") && build.output().contains("AMOUNT"),
          build.output());
      assertFalse(Files.readString(table, UTF_8).contains("AMOUNT"), "the field is gone");
    } finally {
      Files.delete(drop);
    }
  }

  @Test
  @Order(4)
  void aMigrationPostgresRejectsFailsTheBuildNamingIt() throws Exception {
    Path bad = migrations.resolve("V2__typo.sql");
    Files.writeString(bad, "alter tabel orders add column paid boolean;\n", UTF_8);
    try {
      ItBuild.Build build = ItBuild.maven(project, Map.of(), "compile");
      assertNotEquals(0, build.exitCode(), build.output());
      assertTrue(build.output().contains("a migration in") && build.output().contains("failed on"
          + " PostgreSQL"), build.output());
      assertTrue(build.output().contains("V2__typo.sql"), build.output());
    } finally {
      Files.delete(bad);
    }
  }
}
