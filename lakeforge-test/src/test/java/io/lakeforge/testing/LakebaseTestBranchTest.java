package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.BranchInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** A test class as users write it: offline, one branch for the class. */
@LakebaseTestBranch
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LakebaseTestBranchTest {

  private static String firstBranch;

  @BeforeAll
  static void schema(DSLContext db) {
    db.execute("create table orders (id int primary key, item text)");
  }

  @Test
  @Order(1)
  void injectsTheBranchItsDataSourceAndContext(DataSource data, DSLContext db, BranchRef ref,
      BranchInfo info) throws Exception {
    firstBranch = ref.branchId();
    assertTrue(ref.branchId().startsWith("test-"), ref.branchId());
    assertEquals("production", info.sourceBranchId());
    assertNotEquals("127.0.0.1", info.host(), "its own server, on its own loopback address");
    assertEquals(BranchInfo.Kind.EPHEMERAL, info.kind());
    db.execute("insert into orders values (1, 'lamp')");
    try (Connection c = data.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select current_user, inet_server_addr()::text")) {
      r.next();
      assertEquals(OfflineLakebase.ROLE, r.getString(1), "logged in with a minted credential");
      assertEquals(info.host() + "/32", r.getString(2));
    }
  }

  @Test
  @Order(2)
  void theClassSharesOneBranch(BranchRef ref, DSLContext db) {
    assertSame(firstBranch, ref.branchId());
    assertEquals(1, db.fetchCount(DSL.table("orders")));
    assertTrue(OfflineLakebase.get().emulator().hasBranch(ref.branchPath()));
  }

  @Test
  @Order(3)
  void theSourceDoesNotSeeTheBranchesWrites() throws Exception {
    try (Connection c = OfflineLakebase.get().sourceDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select to_regclass('public.orders') is null")) {
      r.next();
      assertTrue(r.getBoolean(1), "production has no orders table");
    }
  }
}
