package io.lakeforge.bench;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.CreateBranchRequest;
import com.databricks.sdk.service.postgres.Operation;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseBranches;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.jooq.impl.DSL;

/**
 * Offline: from "create" to the first successful query on the new branch, and the share of it spent
 * waiting for the long-running operation, against a plain {@code CREATE DATABASE … TEMPLATE} on the
 * same server followed by a first query. The emulator's branch is a base-backup copy of the source
 * server started on its own loopback address, so this measures the copy-and-start, not Lakebase.
 */
final class BranchCreate {

  private static final int RUNS = 5;
  private static final String PROJECT = "bench-branches";

  private BranchCreate() {}

  static String run() throws Exception {
    TestLakebase env = TestLakebase.get();
    env.emulator().existingBranch(PROJECT, "dev", false);
    BranchRef dev = new BranchRef(PROJECT, "dev", "primary", "");
    WorkspaceClient client = BenchEnv.client();
    LakebaseBranches branches = LakebaseBranches.of(client, PROJECT, List.of(dev));
    double[] total = new double[RUNS];
    double[] operation = new double[RUNS];
    double[] template = new double[RUNS];
    try (Lakebase lb = Lakebase.create(BenchEnv.config().host(null).endpoint(null).build(),
        client)) {
      for (int i = 0; i < RUNS; i++) {
        String id = "bench-" + i;
        long t0 = System.nanoTime();
        Operation op = new Operation().setName(client.postgres().createBranch(
            new CreateBranchRequest().setParent("projects/" + PROJECT).setBranchId(id)
                .setBranch(new Branch().setSpec(new BranchSpec().setSourceBranch(dev.branchPath())
                    .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(3600).build()))))
            .getName());
        while (op.getDone() == null || !op.getDone()) {
          Thread.sleep(5);
          op = client.postgres().getOperation(op.getName());
        }
        long t1 = System.nanoTime();
        // The same create through the API: picks the branch up and waits for its endpoint.
        BranchRef ref = branches.create(dev, id, java.time.Duration.ofHours(1)).ref();
        lb.readWrite(ref).fetchValue(DSL.inline(1));
        long t2 = System.nanoTime();
        total[i] = (t2 - t0) / 1e6;
        operation[i] = (t1 - t0) / 1e6;
        branches.delete(id);

        long b0 = System.nanoTime();
        try (Connection c = env.superuser().getConnection(); Statement s = c.createStatement()) {
          s.execute("create database bench_copy_" + i + " template " + TestLakebase.DATABASE);
        }
        try (Connection c = env.superuser("bench_copy_" + i).getConnection(); Statement s = c.createStatement()) {
          s.execute("select 1");
        }
        long b1 = System.nanoTime();
        template[i] = (b1 - b0) / 1e6;
        try (Connection c = env.superuser().getConnection(); Statement s = c.createStatement()) {
          s.execute("drop database bench_copy_" + i);
        }
      }
    }
    double t = BenchEnv.median(total);
    double o = BenchEnv.median(operation);
    double b = BenchEnv.median(template);
    StringBuilder out = new StringBuilder("### Branch create → first query (offline, median of "
        + RUNS + ")\n\n");
    out.append(BenchMain.row(List.of("what", "ms", "share / ratio")));
    out.append(BenchMain.row(List.of("---", "---:", "---:")));
    out.append(BenchMain.row(List.of("branch: create → first successful query",
        String.format("%.0f", t), "1.00")));
    out.append(BenchMain.row(List.of("  of which waiting for the operation",
        String.format("%.0f", o), String.format("%.0f %%", 100 * o / t))));
    out.append(BenchMain.row(List.of("CREATE DATABASE … TEMPLATE → first query (same server)",
        String.format("%.0f", b), String.format("%.2f× the branch", b / t))));
    return out.append('\n').toString();
  }
}
