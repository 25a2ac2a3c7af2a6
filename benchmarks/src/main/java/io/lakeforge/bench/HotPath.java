package io.lakeforge.bench;

import io.lakeforge.testing.TestLakebase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Benchmarks 1-3: the hot path, the jOOQ cost, and pgbench as the physical limit. */
final class HotPath {

  private HotPath() {}

  static String run(Map<String, String> props) throws Exception {
    Map<String, Double> ops = new HashMap<>();
    Map<String, Double> err = new HashMap<>();
    List<String> jvmArgs = new ArrayList<>();
    props.forEach((k, v) -> jvmArgs.add("-D" + k + "=" + v));
    jvmArgs.add("-Dorg.jooq.no-logo=true");
    jvmArgs.add("-Xmx1g");
    // On a small machine the client and the server fight for the same cores. With
    // -Dbench.clientCpus=1 (and the parent started under `taskset -c 0`, which the embedded
    // server inherits), JMH forks and pgbench run on their own CPUs.
    String clientCpus = System.getProperty("bench.clientCpus");
    String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    if (clientCpus != null) {
      Path wrapper = Files.createTempFile("java-pinned", ".sh");
      Files.writeString(wrapper, "#!/bin/sh\nexec taskset -c " + clientCpus + " " + jvm + " \"$@\"\n");
      wrapper.toFile().setExecutable(true);
      jvm = wrapper.toString();
    }
    for (int threads : new int[] {1, 8}) {
      Options options = new OptionsBuilder()
          .jvm(jvm)
          .include(HotPathBenchmark.class.getName())
          .threads(threads)
          .forks(Integer.getInteger("bench.forks", 3))
          .warmupIterations(Integer.getInteger("bench.warmups", 3))
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(Integer.getInteger("bench.iterations", 5))
          .measurementTime(TimeValue.seconds(2))
          .jvmArgsAppend(jvmArgs.toArray(String[]::new))
          .build();
      Collection<RunResult> results = new Runner(options).run();
      for (RunResult r : results) {
        String key = r.getParams().getParam("pool") + "/" + r.getPrimaryResult().getLabel()
            + "/" + threads;
        ops.put(key, r.getPrimaryResult().getScore());
        err.put(key, r.getPrimaryResult().getScoreError());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("### Hot path: `select 1` through a warm pool (ops/s, JMH, 99.9% error)\n\n");
    out.append(BenchMain.row(List.of("threads", "Agroal, static password (baseline)",
        "LakeForge pool", "**LakeForge / baseline**", "LakeForge jOOQ", "**jOOQ / JDBC** (same pool)",
        "pgbench -M prepared (tps)")));
    out.append(BenchMain.row(List.of("---", "---", "---", "---", "---", "---", "---")));
    for (int threads : new int[] {1, 8}) {
      double base = ops.get("agroal-static/jdbc/" + threads);
      double lf = ops.get("lakeforge/jdbc/" + threads);
      double jooq = ops.get("lakeforge/jooq/" + threads);
      double pgbench = pgbench(threads);
      out.append(BenchMain.row(List.of(
          Integer.toString(threads),
          fmt(base, err.get("agroal-static/jdbc/" + threads)),
          fmt(lf, err.get("lakeforge/jdbc/" + threads)),
          String.format("**%.3f**", lf / base),
          fmt(jooq, err.get("lakeforge/jooq/" + threads)),
          String.format("**%.3f**", jooq / lf),
          pgbench > 0 ? String.format("%.0f (JDBC = %.2f of it)", pgbench, lf / pgbench) : "pgbench not found")));
    }
    out.append("\nBaseline-pool jOOQ/JDBC for reference: 1 thread ")
        .append(String.format("%.3f", ops.get("agroal-static/jooq/1") / ops.get("agroal-static/jdbc/1")))
        .append(", 8 threads ")
        .append(String.format("%.3f", ops.get("agroal-static/jooq/8") / ops.get("agroal-static/jdbc/8")))
        .append(".\n\n");
    return out.toString();
  }

  private static String fmt(double score, double error) {
    return String.format("%.0f ± %.0f", score, error);
  }

  /** {@code pgbench -M prepared} running {@code select 1}, same client count, same server. */
  static double pgbench(int clients) throws IOException, InterruptedException {
    String binary = Files.isExecutable(Path.of("/usr/bin/pgbench")) ? "/usr/bin/pgbench" : "pgbench";
    Path script = Files.createTempFile("select1", ".sql");
    Files.writeString(script, "select 1;\n");
    List<String> command = new ArrayList<>();
    String clientCpus = System.getProperty("bench.clientCpus");
    if (clientCpus != null) {
      command.addAll(List.of("taskset", "-c", clientCpus));
    }
    command.addAll(List.of(binary, "-n", "-M", "prepared", "-f", script.toString(),
        "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)),
        "-T", Integer.getInteger("bench.pgbenchSeconds", 10).toString(),
        "-h", "127.0.0.1", "-p", Integer.toString(BenchEnv.port()), "-U", BenchEnv.STATIC_ROLE,
        TestLakebase.DATABASE));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PGPASSWORD", System.getProperty("bench.staticPassword"));
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return -1;
    }
    String output = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    Matcher m = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(output);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
