package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.LakebaseBranchException.Reason;
import io.lakeforge.testing.DatabricksEmulator;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ephemeral branches through the real SDK against the emulator, whose branches are separate
 * PostgreSQL servers copied from their source, each on its own loopback address.
 */
class LakebaseBranchesTest {

  private static final String PROJECT = "branches-test";
  private static final BranchRef DEV = new BranchRef(PROJECT, "dev", "primary", "readonly");
  private static final BranchRef STAGING = new BranchRef(PROJECT, "staging", "primary", "");
  private static final BranchRef PRODUCTION = new BranchRef(PROJECT, "production", "primary", "");

  private final TestLakebase env = TestLakebase.get();
  private final DatabricksEmulator emulator = env.emulator();
  private LakebaseBranches branches;

  @BeforeAll
  static void schema() throws Exception {
    try (Connection c = TestLakebase.get().superuser().getConnection();
        Statement s = c.createStatement()) {
      s.execute("grant create on database " + TestLakebase.DATABASE + " to \""
          + TestLakebase.ROLE + "\"");
    }
  }

  @BeforeEach
  void topology() {
    emulator.reset();
    emulator.existingBranch(PROJECT, "dev", false);
    // Protected, and not in the declared list below: Lakebase's own refusal is exercised.
    emulator.existingBranch(PROJECT, "staging", true);
    branches = LakebaseBranches.of(env.client(), PROJECT, List.of(DEV, PRODUCTION));
  }

  @AfterEach
  void cleanUp() {
    for (BranchInfo b : branches.list()) {
      if (b.kind() == BranchInfo.Kind.EPHEMERAL) {
        branches.delete(b.branchId());
      }
    }
  }

  private Lakebase lakebase() {
    return Lakebase.create(env.config().host(null).endpoint(null).build(), env.client());
  }

  @Test
  void aBranchIsACopyOnItsOwnHostAndGoneAfterDelete() throws Exception {
    try (Lakebase lb = lakebase()) {
      DSLContext dev = lb.readWrite(DEV);
      dev.execute("create schema if not exists copytest");
      dev.execute("create table if not exists copytest.items (id int primary key, name text)");
      dev.execute("delete from copytest.items");
      dev.execute("insert into copytest.items values (1, 'before the branch')");
    }
    BranchInfo pr = branches.create(DEV, "pr-1", Duration.ofHours(1));
    assertEquals("projects/" + PROJECT + "/branches/pr-1", pr.branchPath());
    assertEquals("dev", pr.sourceBranchId());
    assertEquals(BranchInfo.Kind.EPHEMERAL, pr.kind());
    assertNotNull(pr.host());
    assertTrue(pr.host().startsWith("127.0.0."), pr.host());
    assertNotEquals("127.0.0.1", pr.host(), "a branch differs from its source by host");
    assertTrue(pr.expireTime().isAfter(Instant.now().plus(Duration.ofMinutes(59))));

    try (Lakebase lb = lakebase()) {
      DSLContext branch = lb.readWrite(pr.ref());
      assertEquals(TestLakebase.ROLE, branch.fetchValue(DSL.currentUser()),
          "the branch logs in with a minted credential too");
      assertEquals("before the branch", branch.fetchValue("select name from copytest.items"));
      branch.execute("insert into copytest.items values (2, 'only on the branch')");
      DSLContext dev = lb.readWrite(DEV);
      dev.execute("insert into copytest.items values (3, 'only on dev')");
      assertEquals(List.of(1, 2), branch.fetch("select id from copytest.items order by id")
          .getValues(0, Integer.class));
      assertEquals(List.of(1, 3), dev.fetch("select id from copytest.items order by id")
          .getValues(0, Integer.class), "the source does not see the branch's write");
    }

    assertTrue(branches.delete("pr-1"));
    assertTrue(branches.find("pr-1").isEmpty());
    assertFalse(branches.delete("pr-1"), "deleting again is a no-op");
    try (Lakebase lb = lakebase()) {
      LakebaseException e = assertThrows(LakebaseException.class,
          () -> lb.readWrite(pr.ref()).fetchValue(DSL.inline(1)));
      assertTrue(e.getMessage().contains("projects/" + PROJECT + "/branches/pr-1"),
          e.getMessage());
    }
  }

  @Test
  void createIsIdempotentForTheSameSourceAndRefusesAnother() {
    BranchInfo first = branches.create(DEV, "pr-2", Duration.ofHours(2));
    int servers = emulator.branchServers();
    BranchInfo again = branches.create(DEV, "pr-2", Duration.ofHours(2));
    assertEquals(first.ref(), again.ref());
    assertEquals(first.host(), again.host());
    assertEquals(servers, emulator.branchServers(), "no second copy");
    LakebaseBranchException e = assertThrows(LakebaseBranchException.class,
        () -> branches.create(STAGING, "pr-2", Duration.ofHours(2)));
    assertEquals(Reason.CONFLICT, e.reason());
    assertTrue(e.getMessage().contains("exists with source projects/" + PROJECT
        + "/branches/dev, not projects/" + PROJECT + "/branches/staging"), e.getMessage());
  }

  @Test
  void refusesToDeleteProductionProtectedAndDeclaredBranches() {
    int calls = emulator.branchCalls();
    assertEquals(Reason.REFUSED, assertThrows(LakebaseBranchException.class,
        () -> branches.delete("production")).reason());
    assertEquals(Reason.REFUSED, assertThrows(LakebaseBranchException.class,
        () -> branches.delete("dev")).reason());
    assertEquals(calls, emulator.branchCalls(), "refused before any API call");
    LakebaseBranchException e = assertThrows(LakebaseBranchException.class,
        () -> branches.delete("staging"));
    assertEquals(Reason.REFUSED, e.reason());
    assertTrue(e.getMessage().contains("protected"), e.getMessage());
    assertTrue(emulator.hasBranch("projects/" + PROJECT + "/branches/staging"));
    assertTrue(emulator.hasBranch("projects/" + PROJECT + "/branches/dev"));
    assertTrue(emulator.hasBranch("projects/" + PROJECT + "/branches/production"));
    assertEquals(Reason.INVALID, assertThrows(LakebaseBranchException.class,
        () -> branches.create(PRODUCTION, "dev", Duration.ofHours(1))).reason(),
        "a declared id is the bundle's");
    assertEquals(Reason.INVALID, assertThrows(LakebaseBranchException.class,
        () -> branches.create(DEV, "PR_3", Duration.ofHours(1))).reason());
    assertEquals(Reason.INVALID, assertThrows(LakebaseBranchException.class,
        () -> branches.create(DEV, "pr-3", Duration.ofDays(31))).reason());
  }

  @Test
  void everyMethodRefusesAnIdOutsideTheRuleBeforeAnyApiCall() {
    emulator.existingBranch(PROJECT, "pre-prod", false);
    int calls = emulator.branchCalls();
    // The HTTP client drops "#x" and sends "?x" as a query: without the check, "dev#x" deleted
    // the declared dev past its guard and "pre-prod?x" extended pre-prod.
    for (String id : List.of("dev#x", "pre-prod?x", "pre-prod/../dev", "Dev", "")) {
      assertEquals(Reason.INVALID, assertThrows(LakebaseBranchException.class,
          () -> branches.delete(id), "delete " + id).reason());
      assertEquals(Reason.INVALID, assertThrows(LakebaseBranchException.class,
          () -> branches.extend(id, Duration.ofHours(1)), "extend " + id).reason());
      LakebaseBranchException e = assertThrows(LakebaseBranchException.class,
          () -> branches.find(id), "find " + id);
      assertEquals(Reason.INVALID, e.reason());
      assertTrue(e.getMessage().contains(io.lakeforge.annotations.LakebaseIds.RULE),
          e.getMessage());
    }
    assertEquals(calls, emulator.branchCalls(), "refused before any API call");
    assertTrue(emulator.hasBranch("projects/" + PROJECT + "/branches/dev"));
    assertTrue(emulator.hasBranch("projects/" + PROJECT + "/branches/pre-prod"));
    assertEquals(Reason.INVALID, assertThrows(LakebaseBranchException.class,
        () -> LakebaseBranches.of(env.client(), "p#x", List.of())).reason(),
        "the project id too");
  }

  @Test
  void aBudgetThatRunsOutWhileTheOperationIsPendingThenTheSameCreatePicksItUp() {
    emulator.operationDelay(Duration.ofSeconds(30));
    long start = System.nanoTime();
    LakebaseBranchException e = assertThrows(LakebaseBranchException.class,
        () -> branches.create(DEV, "pr-4", Duration.ofHours(1), Duration.ofMillis(400)));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Reason.TIMEOUT, e.reason());
    assertTrue(e.getMessage().contains("pr-4") && e.getMessage().contains("budget"),
        e.getMessage());
    assertTrue(tookMs < 5_000, "the budget bounds the wait: " + tookMs + " ms");
    emulator.operationDelay(Duration.ZERO);
    BranchInfo later = branches.create(DEV, "pr-4", Duration.ofHours(1), Duration.ofSeconds(60));
    assertEquals("READY", later.state());
  }

  @Test
  void ttlExpiryRemovesTheBranchAndExtendMovesTheExpiry() throws Exception {
    BranchInfo extended = branches.create(DEV, "pr-6", Duration.ofMinutes(10));
    Instant before = extended.expireTime();
    BranchInfo after = branches.extend("pr-6", Duration.ofHours(3));
    assertTrue(after.expireTime().isAfter(before.plus(Duration.ofHours(2))));
    assertTrue(branches.find("pr-6").get().expireTime().equals(after.expireTime()));
    assertEquals(Reason.REFUSED, assertThrows(LakebaseBranchException.class,
        () -> branches.extend("dev", Duration.ofHours(1))).reason());
    BranchInfo shortLived = branches.create(DEV, "pr-5", Duration.ofMinutes(10));
    // Shortened once it exists, so a slow copy on a busy machine cannot outlive the TTL.
    branches.extend("pr-5", Duration.ofSeconds(4));

    Map<String, BranchInfo> listed = branches.list().stream()
        .collect(Collectors.toMap(BranchInfo::branchId, Function.identity()));
    assertEquals(BranchInfo.Kind.DECLARED, listed.get("dev").kind());
    assertEquals(BranchInfo.Kind.DECLARED, listed.get("production").kind());
    assertEquals(BranchInfo.Kind.OTHER, listed.get("staging").kind());
    assertEquals(BranchInfo.Kind.EPHEMERAL, listed.get("pr-5").kind());

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (branches.find("pr-5").isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(branches.find("pr-5").isEmpty(), "expired by its TTL");
    assertTrue(branches.find("pr-6").isPresent(), "the extended one lives on");
    try (Lakebase lb = lakebase()) {
      assertThrows(LakebaseException.class,
          () -> lb.readWrite(shortLived.ref()).fetchValue(DSL.inline(1)));
    }
  }
}
