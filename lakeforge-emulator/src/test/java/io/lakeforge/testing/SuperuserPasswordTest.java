package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Issue 20, item 6: no local account gets a passwordless superuser on the kit's servers, neither on
 * the base server nor on a branch copy; the harness still logs in.
 */
class SuperuserPasswordTest {

  private static LocalLakebase local;
  private static BranchServer copy;

  @BeforeAll
  static void start() throws Exception {
    local = LocalLakebase.start("pw-user", "pwdb", false, 20);
    copy = BranchServer.copyOf(local.superuser("postgres"),
        local.base().resolve("superuser-test-branches"));
  }

  @AfterAll
  static void stop() {
    if (copy != null) {
      copy.close();
    }
    if (local != null) {
      local.close();
    }
  }

  @Test
  void theBaseServerRefusesTheSuperuserWithoutItsPassword() throws Exception {
    assertRefused("127.0.0.1", local.port());
    assertNoTrustRule(local.superuser("postgres"));
  }

  @Test
  void aBranchCopyRefusesTheSuperuserWithoutItsPassword() throws Exception {
    assertRefused(copy.host(), copy.port());
    assertNoTrustRule(copy.superuser());
  }

  @Test
  void theHarnessStillLogsIn() throws Exception {
    for (DataSource ds : new DataSource[] {local.superuser("pwdb"), copy.superuser()}) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
        r.next();
        assertEquals(true, r.getBoolean(1));
      }
    }
  }

  private static void assertRefused(String host, int port) {
    SQLException none = assertThrows(SQLException.class, () -> connect(host, port, null),
        "postgres@" + host + " logged in without a password");
    SQLException wrong = assertThrows(SQLException.class, () -> connect(host, port, "wrong"),
        "postgres@" + host + " logged in with a wrong password");
    assertEquals("28P01", wrong.getSQLState(), wrong.toString());
    // No password at all: the driver gives up before sending one (the server asked for SCRAM).
    assertEquals("08004", none.getSQLState(), none.toString());
  }

  private static void connect(String host, int port, String password) throws SQLException {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    if (password != null) {
      ds.setPassword(password);
    }
    ds.setSslMode("disable");
    try (Connection c = ds.getConnection()) {
      c.isValid(1);
    }
  }

  /** Also covers the Unix socket, which pgjdbc cannot reach: no pg_hba.conf line says trust. */
  private static void assertNoTrustRule(DataSource superuser) throws SQLException {
    try (Connection c = superuser.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select coalesce(string_agg(type || ' ' || array_to_string("
            + "user_name, ',') || ' ' || coalesce(address, ''), '; '), '') from pg_hba_file_rules"
            + " where auth_method = 'trust' or error is not null")) {
      r.next();
      assertEquals("", r.getString(1), "pg_hba.conf rules that trust");
    }
  }
}
