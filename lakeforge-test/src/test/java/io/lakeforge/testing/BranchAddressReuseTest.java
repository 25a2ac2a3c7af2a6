package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.lakeforge.runtime.BranchInfo;
import org.jooq.DSLContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Events;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Issue 20, item 7: branches still start after more than 254 addresses were handed out. */
class BranchAddressReuseTest {

  static final List<String> HOSTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @LakebaseTestBranch
  static class AfterWrapping {
    @Test
    void queries(BranchInfo info, DSLContext db) {
      db.execute("create table t (id int)");
      db.execute("insert into t values (1)");
      HOSTS.add(info.host());
      if (db.fetchCount(org.jooq.impl.DSL.table("t")) != 1) {
        throw new AssertionError("one row on " + info.host());
      }
    }
  }

  @Test
  void aBranchStartsAfterMoreThan254Allocations() {
    OfflineLakebase.get();
    // As 300 branches created and deleted one after another would (a server start each is too
    // slow for a unit test): every address taken and given back through the JVM's free list.
    for (int i = 0; i < 300; i++) {
      BranchServer.ADDRESSES.release(BranchServer.ADDRESSES.acquire());
    }
    // And past the first /24 with live addresses, so that the branch gets one that wrapped.
    List<String> held = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      held.add(BranchServer.ADDRESSES.acquire());
    }
    try {
      run();
      assertFalse(HOSTS.get(HOSTS.size() - 1).startsWith("127.0.0."), HOSTS.toString());
    } finally {
      held.forEach(BranchServer.ADDRESSES::release);
    }
    // Once more after giving them back: the free list hands out a reused address.
    run();
  }

  private static void run() {
    Events all = EngineTestKit.engine("junit-jupiter").selectors(selectClass(AfterWrapping.class))
        .execute().allEvents();
    assertEquals(List.of(), all.failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?")).toList());
    all.assertStatistics(s -> s.succeeded(3));
  }
}
