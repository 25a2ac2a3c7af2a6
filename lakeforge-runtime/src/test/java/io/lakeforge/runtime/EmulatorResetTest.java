package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's {@code reset()} separates tests: a credential call still waiting out the last
 * test's latency when the next test queues its faults does not take them.
 */
class EmulatorResetTest {

  private final TestLakebase env = TestLakebase.get();
  /** An emulator of this test's own: no other test's calls reach it. */
  private DatabricksEmulator emulator;
  private WorkspaceClient client;

  @BeforeEach
  void start() throws Exception {
    emulator = DatabricksEmulator.start(env.superuser(), TestLakebase.ROLE);
    client = new WorkspaceClient(new DatabricksConfig().setHost(emulator.url())
        .setClientId(emulator.clientId()).setClientSecret(emulator.clientSecret())
        .setAuthType("oauth-m2m").setHttpTimeoutSeconds(10));
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private void mint() {
    client.postgres().generateDatabaseCredential(
        new GenerateDatabaseCredentialRequest().setEndpoint(TestLakebase.ENDPOINT));
  }

  @Test
  void aCallFromBeforeAResetLeavesTheFaultsQueuedAfterIt() throws Exception {
    emulator.latency(Duration.ofSeconds(2));
    CompletableFuture<Void> earlier = CompletableFuture.runAsync(this::mint);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (emulator.credentialCalls() == 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertEquals(1, emulator.credentialCalls(), "the earlier call reached the emulator");
    emulator.reset(); // the next test begins
    emulator.failNext(DatabricksEmulator.Fault.STATUS_500);
    try {
      earlier.get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException ignored) {
      // how the earlier call ends is not this test's concern
    }
    assertThrows(DatabricksException.class, this::mint, "the queued fault is still there");
  }
}
