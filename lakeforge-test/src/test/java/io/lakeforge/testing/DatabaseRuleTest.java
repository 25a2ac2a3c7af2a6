package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.BranchInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Issue 20: the branch's DataSource, DSLContext, BranchRef and BranchInfo use the database the
 * topology declares on the source branch ({@code @Database}, from the generated {@code
 * META-INF/lakeforge/kit-topology/lakebase.yml}: {@code shop} on staging, {@code audit} and {@code
 * shop} on dev, none on production); {@code database()} overrides; otherwise {@code
 * databricks_postgres}.
 */
class DatabaseRuleTest {

  /** What each class saw: the database of the DataSource, the DSLContext, BranchRef, BranchInfo. */
  static final Map<Class<?>, List<String>> SEEN = new ConcurrentHashMap<>();

  static void record(Class<?> c, DataSource data, DSLContext db, BranchRef ref, BranchInfo info)
      throws Exception {
    String viaDataSource;
    try (Connection conn = data.getConnection(); Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("select current_database()")) {
      r.next();
      viaDataSource = r.getString(1);
    }
    SEEN.put(c, List.of(viaDataSource, db.fetchValue(DSL.currentCatalog()), ref.database(),
        info.ref().database()));
  }

  @LakebaseTestBranch(project = "kit-topology", from = "staging")
  static class FromStaging {
    @Test
    void query(DataSource data, DSLContext db, BranchRef ref, BranchInfo info) throws Exception {
      record(FromStaging.class, data, db, ref, info);
    }
  }

  @LakebaseTestBranch(project = "kit-topology", from = "staging", database = "databricks_postgres")
  static class OverriddenOnStaging {
    @Test
    void query(DataSource data, DSLContext db, BranchRef ref, BranchInfo info) throws Exception {
      record(OverriddenOnStaging.class, data, db, ref, info);
    }
  }

  @LakebaseTestBranch(project = "kit-topology")
  static class FromProduction {
    @Test
    void query(DataSource data, DSLContext db, BranchRef ref, BranchInfo info) throws Exception {
      record(FromProduction.class, data, db, ref, info);
    }
  }

  @LakebaseTestBranch(project = "kit-topology", from = "dev", database = "audit",
      scope = LakebaseTestBranch.Scope.METHOD)
  static class ChosenOnDev {
    @Test
    void query(DataSource data, DSLContext db, BranchRef ref, BranchInfo info) throws Exception {
      record(ChosenOnDev.class, data, db, ref, info);
    }
  }

  @LakebaseTestBranch(project = "kit-topology", from = "dev")
  static class AmbiguousOnDev {
    @Test
    void neverRuns(BranchInfo info) {
      throw new AssertionError("a branch without a database choice: " + info.branchId());
    }
  }

  @LakebaseTestBranch(project = "kit-topology", from = "staging", database = "audit")
  static class UndeclaredOnStaging {
    @Test
    void neverRuns(BranchInfo info) {
      throw new AssertionError("a branch on an undeclared database: " + info.branchId());
    }
  }

  @Test
  void theSourcesDeclaredDatabaseIsTheBranchesDatabase() {
    assertEquals(List.of(), failures(run(FromStaging.class)));
    assertEquals(List.of("shop", "shop", "shop", "shop"), SEEN.get(FromStaging.class));
  }

  @Test
  void theAnnotationsDatabaseOverridesTheDeclaredOne() {
    assertEquals(List.of(), failures(run(OverriddenOnStaging.class)));
    assertEquals(List.of("databricks_postgres", "databricks_postgres", "databricks_postgres",
        "databricks_postgres"), SEEN.get(OverriddenOnStaging.class));
  }

  @Test
  void withoutADeclaredDatabaseItIsDatabricksPostgres() {
    assertEquals(List.of(), failures(run(FromProduction.class)));
    assertEquals(List.of("databricks_postgres", "databricks_postgres", "databricks_postgres",
        "databricks_postgres"), SEEN.get(FromProduction.class));
  }

  @Test
  void ofSeveralDeclaredDatabasesTheAnnotationChoosesOne() {
    assertEquals(List.of(), failures(run(ChosenOnDev.class)));
    assertEquals(List.of("audit", "audit", "audit", "audit"), SEEN.get(ChosenOnDev.class));
  }

  @Test
  void severalDeclaredDatabasesWithoutAChoiceAreRefused() {
    List<String> failures = failures(run(AmbiguousOnDev.class));
    assertEquals(1, failures.size(), failures.toString());
    assertTrue(failures.get(0).contains("branch dev declares the databases audit, shop"),
        failures.get(0));
    assertTrue(failures.get(0).contains("@LakebaseTestBranch(database = \"audit\")"),
        failures.get(0));
  }

  @Test
  void aDatabaseTheSourceDoesNotDeclareIsRefused() {
    List<String> failures = failures(run(UndeclaredOnStaging.class));
    assertEquals(1, failures.size(), failures.toString());
    assertTrue(failures.get(0).contains("branch staging declares no database \"audit\""
        + " (declared: shop;"), failures.get(0));
  }

  static Events run(Class<?> c) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().allEvents();
  }

  static List<String> failures(Events events) {
    return events.failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?"))
        .toList();
  }
}
