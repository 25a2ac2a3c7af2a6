package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.lakeforge.annotations.BranchRef;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs test classes that use the extension (nested, so the build does not run them on their own)
 * and checks what they leave behind.
 */
class BranchCleanupTest {

  static final List<String> SEEN = new CopyOnWriteArrayList<>();

  @LakebaseTestBranch
  static class FailingTests {
    @Test
    void fails(BranchRef ref, DSLContext db) {
      SEEN.add(ref.branchPath());
      db.execute("create table t (id int)");
      fail("deliberately");
    }
  }

  @LakebaseTestBranch(scope = LakebaseTestBranch.Scope.METHOD)
  static class PerMethod {
    @Test
    void first(BranchRef ref, DSLContext db) {
      SEEN.add(ref.branchPath());
      db.execute("create table only_here (id int)");
    }

    @Test
    void second(BranchRef ref, DSLContext db) {
      SEEN.add(ref.branchPath());
      db.execute("create table only_here (id int)");
    }
  }

  @Test
  void aFailingTestStillDeletesItsBranch() {
    SEEN.clear();
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingTests.class))
        .execute().testEvents();
    tests.assertStatistics(s -> s.started(1).failed(1));
    assertEquals(1, SEEN.size());
    assertFalse(OfflineLakebase.get().emulator().hasBranch(SEEN.get(0)),
        "deleted although the test failed: " + SEEN.get(0));
  }

  @Test
  void perMethodScopeGivesEachTestItsOwnBranchAndDeletesIt() {
    SEEN.clear();
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(PerMethod.class))
        .execute().testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    assertEquals(2, SEEN.size());
    assertNotEquals(SEEN.get(0), SEEN.get(1), "a fresh branch per method");
    for (String path : SEEN) {
      assertFalse(OfflineLakebase.get().emulator().hasBranch(path), path);
    }
  }
}
