package io.lakeforge.sample;

import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseAsyncPool;
import io.lakeforge.runtime.LakebasePool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jooq.impl.DSL;

/**
 * Runs {@code select current_user} three ways and prints one line for each: the sync pool, the
 * async API, and the typed {@code Branches.DEV} context. Exits 1 if any of them fails. The three
 * stay open together, as in an application, so they share one Lakebase credential: one API call.
 *
 * <p>Configuration is the environment: {@code LAKEBASE_ENDPOINT}, {@code PGPORT},
 * {@code PGDATABASE}, {@code PGUSER}, {@code PGSSLMODE}, {@code PGSSLROOTCERT},
 * {@code LAKEBASE_PROJECT}, and the SDK's {@code DATABRICKS_*} variables.
 */
public final class DemoApp {

  private DemoApp() {}

  public static void main(String[] args) {
    List<AutoCloseable> open = new ArrayList<>();
    int failures = 0;
    failures += run("sync pool", () -> {
      LakebasePool pool = keep(open, LakebasePool.fromEnvironment());
      return pool.dsl().fetchValue(DSL.currentUser());
    });
    failures += run("async pool", () -> {
      LakebaseAsyncPool pool = keep(open, LakebaseAsyncPool.fromEnvironment());
      return pool.withDsl(dsl -> dsl.fetchValue(DSL.currentUser()))
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
    });
    failures += run("Branches.DEV (read-write)", () -> {
      Lakebase lakebase = keep(open, Lakebase.fromEnvironment());
      return lakebase.readWrite(Branches.DEV).fetchValue(DSL.currentUser());
    });
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        System.out.println("close: FAILED: " + e.getMessage());
        failures++;
      }
    }
    if (failures > 0) {
      System.exit(1);
    }
  }

  private static <T extends AutoCloseable> T keep(List<AutoCloseable> open, T closeable) {
    open.add(closeable);
    return closeable;
  }

  private static int run(String what, Callable<String> query) {
    try {
      System.out.println(what + ": current_user = " + query.call());
      return 0;
    } catch (Exception e) {
      // Past the wrappers (async stage, jOOQ's "Error getting connection from data source"):
      // LakeForge's own message says why (TLS and PGSSLROOTCERT, a hung API, a password).
      Throwable cause = e;
      while ((cause instanceof ExecutionException
          || cause instanceof java.util.concurrent.CompletionException
          || cause instanceof org.jooq.exception.DataAccessException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      System.out.println(what + ": FAILED: " + cause.getMessage());
      return 1;
    }
  }
}
