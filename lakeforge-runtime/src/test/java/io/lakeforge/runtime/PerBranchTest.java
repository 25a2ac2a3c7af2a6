package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-branch contexts from typed handles, as the generated {@code Branches} class provides them. */
class PerBranchTest {

  private static final BranchRef DEV = new BranchRef("lakeforge-main", "dev", "primary", "readonly");
  private static final BranchRef STAGING =
      new BranchRef("lakeforge-main", "staging", "primary", "readonly");

  private static final String ON_DATABASE = "?database=" + TestLakebase.DATABASE;

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private final String app = TestLakebase.applicationName("per-branch");

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  private LakebaseConfig.Builder config() {
    // Only host and endpoint come from the handle; the rest from the configuration.
    return env.config().host(null).endpoint(null).set(LakebaseSettings.APPLICATION_NAME, app);
  }

  @Test
  void readOnlyAndReadWriteContextsQueryTheirEndpoints() throws Exception {
    try (Lakebase lakebase = Lakebase.create(config().build(), env.client())) {
      DSLContext ro = lakebase.readOnly(DEV);
      DSLContext rw = lakebase.readWrite(DEV);
      for (int i = 0; i < 3; i++) {
        assertEquals(TestLakebase.ROLE, ro.fetchValue(DSL.currentUser()));
        assertEquals(TestLakebase.ROLE, rw.fetchValue(DSL.currentUser()));
      }
      assertEquals(List.of(DEV.readWriteEndpointPath() + ON_DATABASE,
              DEV.readOnlyEndpointPath() + ON_DATABASE).stream().sorted().toList(),
          lakebase.stats().keySet().stream().sorted().toList());
      assertEquals(2, emulator.endpointCalls(), "one host lookup per endpoint, then cached");
      assertEquals(2, emulator.credentialCalls(), "one credential cache per endpoint");
      lakebase.readOnly(STAGING).fetchValue(DSL.inline(1));
      assertEquals(3, lakebase.stats().size());
    }
    assertEquals(0, env.sessionsAfterClose(app), "close() closes every pool");
  }

  @Test
  void theProjectCanBeOverriddenAtRunTime() {
    try (Lakebase lakebase = Lakebase.create(
        config().projectOverride("deployed-elsewhere").build(), env.client())) {
      lakebase.readOnly(DEV).fetchValue(DSL.inline(1));
      assertEquals(List.of("projects/deployed-elsewhere/branches/dev/endpoints/readonly"
              + ON_DATABASE),
          List.copyOf(lakebase.stats().keySet()));
    }
  }

  @Test
  void anUnknownEndpointFailsClearlyWithoutRetries() {
    emulator.missingEndpoint("projects/lakeforge-main/branches/gone/endpoints/readonly");
    BranchRef gone = new BranchRef("lakeforge-main", "gone", "primary", "readonly");
    try (Lakebase lakebase = Lakebase.create(config().build(), env.client())) {
      LakebaseException e = assertThrows(LakebaseException.class, () -> lakebase.readOnly(gone));
      assertTrue(e.getMessage().contains("the host of projects/lakeforge-main/branches/gone/endpoints/readonly"),
          e.getMessage());
      assertTrue(e.getMessage().contains("HTTP 404 NOT_FOUND"), e.getMessage());
      assertEquals(1, emulator.endpointCalls());
    }
  }

  @Test
  void aClosedLakebaseRefusesNewPools() {
    Lakebase lakebase = Lakebase.create(config().build(), env.client());
    lakebase.close();
    assertThrows(LakebaseClosedException.class, () -> lakebase.readOnly(DEV));
  }
}
