package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.lakeforge.runtime.BranchInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Issue 20, item 2: a {@code from} that the topology does not declare is refused, offline too,
 * when the kit has the topology (the generated {@code META-INF/lakeforge/<project>/lakebase.yml}
 * on the class path; here a test resource for project {@code kit-topology}).
 */
class DeclaredSourceTest {

  @LakebaseTestBranch(project = "kit-topology", from = "stagng")
  static class Misspelt {
    @Test
    void neverRuns(BranchInfo info) {
      throw new AssertionError("a branch from an undeclared source: " + info.sourceBranchId());
    }
  }

  @LakebaseTestBranch(project = "kit-topology", from = "staging")
  static class Declared {
    @Test
    void runs(BranchInfo info) {
      assertEquals("staging", info.sourceBranchId());
    }
  }

  @LakebaseTestBranch(project = "kit-topology")
  static class FromProduction {
    @Test
    void runs(BranchInfo info) {
      assertEquals("production", info.sourceBranchId(), "every project has production");
    }
  }

  @Test
  void anUndeclaredSourceIsRefusedWithTheClosestDeclaredOne() {
    List<String> failures = failures(run(Misspelt.class));
    assertEquals(1, failures.size(), failures.toString());
    String message = failures.get(0);
    assertTrue(message.contains("from = \"stagng\""), message);
    assertTrue(message.contains("kit-topology declares no branch \"stagng\""), message);
    assertTrue(message.contains("Did you mean \"staging\"?"), message);
    assertTrue(message.contains("dev, production, staging"), message);
  }

  @Test
  void declaredSourcesAndProductionAreAccepted() {
    for (Class<?> c : List.of(Declared.class, FromProduction.class)) {
      Events events = run(c);
      assertEquals(List.of(), failures(events), c.getSimpleName());
      events.assertStatistics(s -> s.succeeded(3));
    }
  }

  private static Events run(Class<?> c) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().allEvents();
  }

  private static List<String> failures(Events events) {
    return events.failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("?"))
        .toList();
  }
}
