package io.lakeforge.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The JVM that {@link OrphanServersTest} kills: starts a base server and one branch copy, prints
 * {@code DIR <data directory>} for each and {@code READY}, then waits to be killed.
 */
public final class OrphanChild {

  private OrphanChild() {}

  public static void main(String[] args) throws Exception {
    LocalLakebase local = LocalLakebase.start("orphan-user", "orphandb", false, 20);
    BranchServer copy = BranchServer.copyOf(local.superuser("postgres"),
        local.base().resolve("orphan-test-branches"));
    String base;
    try (Connection c = local.superuser("postgres").getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("show data_directory")) {
      r.next();
      base = r.getString(1);
    }
    String branch;
    try (Connection c = copy.superuser().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("show data_directory")) {
      r.next();
      branch = r.getString(1);
    }
    for (String dir : new String[] {base, branch}) {
      if (!Files.isDirectory(Path.of(dir))) {
        throw new IllegalStateException("no data directory " + dir);
      }
      System.out.println("DIR " + dir);
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
