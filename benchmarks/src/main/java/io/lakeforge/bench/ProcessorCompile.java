package io.lakeforge.bench;

import io.lakeforge.processor.LakeforgeProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Benchmark 6: javac on a topology of 1, 100 and 500 branches with the processor, against javac
 * on the same classes without it (the topology plus the accessor the processor would generate).
 * In one warm JVM, so the ratio isolates the processor from JVM and Maven start-up.
 */
final class ProcessorCompile {

  static final int WARMUPS = Integer.getInteger("bench.compileWarmups", 15);
  static final int ROUNDS = Integer.getInteger("bench.compileRounds", 15);

  private ProcessorCompile() {}

  static String run() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("### Processor: javac with the processor vs the same classes without it"
        + " (median of ").append(ROUNDS).append(" warm compiles)\n\n");
    out.append(BenchMain.row(List.of("branches", "without (ms)", "with processor (ms)",
        "**with / without**")));
    out.append(BenchMain.row(List.of("---", "---", "---", "---")));
    // Warm javac and the processor on the largest topology first, so no size is measured while
    // the JIT is still compiling the code paths it uses.
    measure(500, WARMUPS, 0);
    for (int branches : new int[] {1, 100, 500}) {
      double[][] times = measure(branches, 3, ROUNDS);
      double without = BenchEnv.median(times[1]);
      double with = BenchEnv.median(times[0]);
      out.append(BenchMain.row(List.of(Integer.toString(branches), String.format("%.1f", without),
          String.format("%.1f", with), String.format("**%.2f**", with / without))));
    }
    return out.append('\n').toString();
  }

  /** Runs warm-up and measured compiles; returns {with, without} times of the measured ones. */
  private static double[][] measure(int branches, int warmups, int rounds) throws IOException {
    Path dir = Files.createTempDirectory("topology-" + branches);
    Path topology = dir.resolve("src/bench/Topology.java");
    Files.createDirectories(topology.getParent());
    Files.writeString(topology, source(branches));
    // One compile with the processor gives the accessor for the baseline.
    Path generated = dir.resolve("generated");
    compile(List.of(topology), dir.resolve("probe"), generated, true);
    List<Path> withAccessor = new ArrayList<>(List.of(topology));
    try (Stream<Path> files = Files.walk(generated)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(withAccessor::add);
    }
    double[] with = new double[rounds];
    double[] without = new double[rounds];
    for (int i = 0; i < warmups + rounds; i++) {
      double w = compile(List.of(topology), dir.resolve("with" + i), dir.resolve("gen" + i), true);
      double wo = compile(withAccessor, dir.resolve("without" + i), dir.resolve("none" + i), false);
      if (i >= warmups) {
        with[i - warmups] = w;
        without[i - warmups] = wo;
      }
    }
    delete(dir);
    return new double[][] {with, without};
  }

  static String source(int branches) {
    StringBuilder s = new StringBuilder("package bench;\n\n"
        + "import io.lakeforge.annotations.Branch;\nimport io.lakeforge.annotations.LakebaseProject;\n\n"
        + "@LakebaseProject(id = \"bench-project\")\nfinal class Topology {\n");
    for (int i = 0; i < branches; i++) {
      s.append("  @Branch").append(i % 3 == 0 ? "(ttl = \"P7D\")" : "")
          .append(" static final String B").append(i).append(" = \"branch-").append(i).append("\";\n");
    }
    return s.append("}\n").toString();
  }

  /** Milliseconds for one javac run. */
  private static double compile(List<Path> sources, Path classes, Path generated, boolean processor)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Files.createDirectories(classes);
    Files.createDirectories(generated);
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
      List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-s",
          generated.toString(), "-classpath", System.getProperty("java.class.path"),
          "--release", "17", "-nowarn", "-Xlint:none"));
      if (!processor) {
        options.add("-proc:none");
      }
      long t0 = System.nanoTime();
      JavaCompiler.CompilationTask task = javac.getTask(null, files, d -> { }, options, null, units);
      if (processor) {
        task.setProcessors(List.of(new LakeforgeProcessor()));
      }
      if (!task.call()) {
        throw new IllegalStateException("the benchmark topology did not compile");
      }
      return (System.nanoTime() - t0) / 1e6;
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
