package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.lakeforge.runtime.BranchInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Issue 20: the kit under JUnit's parallel execution ({@code
 * junit.jupiter.execution.parallel.enabled=true}): classes and per-method branches opened at the
 * same time, from the same sources (project {@code kit-parallel}, which only this test uses, so
 * its sources and their declared databases are prepared by these concurrent classes), each get
 * their own branch on their source's declared database, and every branch is deleted after.
 */
class ParallelBranchesTest {

  static final Map<String, BranchInfo> BRANCH_OF = new ConcurrentHashMap<>();
  static volatile CountDownLatch together;

  static void meet(String test, BranchInfo info, DSLContext db) throws InterruptedException {
    BRANCH_OF.put(test, info);
    db.execute("create table mine (who text)");
    db.execute("insert into mine values ('" + test + "')");
    together.countDown();
    // Bounded: the four tests hold their branches at the same time, or the test fails.
    assertTrue(together.await(2, TimeUnit.MINUTES), "the four tests ran at the same time");
    assertEquals(List.of(test), db.fetch("select who from mine").getValues(0, String.class));
    assertEquals(info.ref().database(), db.fetchValue(DSL.currentCatalog()));
  }

  @LakebaseTestBranch(project = "kit-parallel", from = "one")
  static class A {
    @Test void a(BranchInfo info, DSLContext db) throws Exception {
      meet("a", info, db);
    }
  }

  @LakebaseTestBranch(project = "kit-parallel", from = "one")
  static class B {
    @Test void b(BranchInfo info, DSLContext db) throws Exception {
      meet("b", info, db);
    }
  }

  @LakebaseTestBranch(project = "kit-parallel", from = "two",
      scope = LakebaseTestBranch.Scope.METHOD)
  static class C {
    @Test void c1(BranchInfo info, DSLContext db) throws Exception {
      meet("c1", info, db);
    }

    @Test void c2(BranchInfo info, DSLContext db) throws Exception {
      meet("c2", info, db);
    }
  }

  @Test
  void concurrentClassesAndMethodsGetTheirOwnBranches() {
    together = new CountDownLatch(4);
    Events all = EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
        .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
        .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default",
            "concurrent")
        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "6")
        .selectors(selectClass(A.class), selectClass(B.class), selectClass(C.class))
        .execute().allEvents();
    assertEquals(List.of(), DatabaseRuleTest.failures(all));
    assertEquals(4, BRANCH_OF.values().stream().map(BranchInfo::branchId).distinct().count(),
        BRANCH_OF.toString());
    assertEquals("par_one", BRANCH_OF.get("a").ref().database());
    assertEquals("par_two", BRANCH_OF.get("c1").ref().database());
    for (BranchInfo info : BRANCH_OF.values()) {
      assertTrue(!OfflineLakebase.get().emulator().hasBranch(info.branchPath()),
          info.branchPath() + " deleted");
    }
  }
}
