package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lakeforge.annotations.BranchRef;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: a test receives its source branch ({@link SourceBranch}) and proves the isolation the
 * kit promises: writes on the branch are invisible on the source, and the reverse.
 */
@LakebaseTestBranch(project = "kit-topology", from = "staging")
class SourceBranchTest {

  @Test
  void theSourceIsTheFromBranchOnTheSameDatabase(BranchRef branch, SourceBranch source) {
    assertEquals("staging", source.ref().branchId());
    assertEquals(branch.projectId(), source.ref().projectId());
    assertEquals("shop", source.ref().database());
    assertEquals("shop", source.dsl().fetchValue(DSL.currentCatalog()));
    assertFalse(source.toString().contains("password"), source.toString());
  }

  @Test
  void writesOnTheBranchAreInvisibleOnTheSource(DSLContext db, SourceBranch source) {
    db.execute("create table branch_only (id int)");
    db.execute("insert into branch_only values (1)");
    assertNull(source.dsl().fetchValue("select to_regclass('public.branch_only')::text"));
    assertNotEquals(source.dsl().fetchValue("select inet_server_addr()::text"),
        db.fetchValue("select inet_server_addr()::text"), "two servers");
  }

  @Test
  void writesOnTheSourceAreInvisibleOnTheBranch(DSLContext db, SourceBranch source)
      throws Exception {
    // The source is shared with every later branch of the JVM: the test removes what it wrote.
    String table = "source_only_" + Long.toString(System.nanoTime(), 36);
    source.dsl().execute("create table " + table + " (id int)");
    try {
      source.dsl().execute("insert into " + table + " values (1)");
      try (var c = source.dataSource().getConnection()) {
        assertEquals("shop", c.getCatalog());
      }
      assertNull(db.fetchValue("select to_regclass('public." + table + "')::text"));
    } finally {
      source.dsl().execute("drop table " + table);
    }
  }
}
