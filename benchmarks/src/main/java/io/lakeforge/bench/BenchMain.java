package io.lakeforge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Runs the benchmarks and prints Markdown tables (also appended to
 * {@code benchmarks/target/results.md}). Every figure is a ratio against a baseline measured in
 * the same run on the same embedded PostgreSQL on 127.0.0.1.
 *
 * <pre>
 * ./mvnw -q -Pbench package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar all | hotpath | interleaved | churn | burst | refresh | starter | processor | branch | branches | soak [seconds]
 * </pre>
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
    StringBuilder out = new StringBuilder();
    out.append("\n## LakeForge benchmarks: ").append(what).append(" (")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.version")).append(")\n\n");
    boolean ok = true;
    Map<String, String> props = what.equals("processor") ? Map.of() : BenchEnv.start();
    switch (what) {
      case "hotpath" -> out.append(Interleaved.run()).append(HotPath.run(props));
      case "interleaved" -> out.append(Interleaved.run());
      case "churn" -> out.append(Churn.run());
      case "burst" -> out.append(ColdBurst.run());
      case "refresh" -> out.append(RefreshAhead.run());
      case "starter" -> out.append(StarterPath.run());
      case "processor" -> out.append(ProcessorCompile.run());
      case "branch" -> out.append(BranchCreate.run());
      case "branches" -> out.append(ManyBranches.run());
      case "soak" -> {
        Soak.Result r = Soak.run(args.length > 1 ? Integer.parseInt(args[1]) : 60);
        out.append(r.report());
        ok = r.passed();
      }
      case "all" -> {
        out.append(Interleaved.run()).append(HotPath.run(props)).append(Churn.run())
            .append(ColdBurst.run())
            .append(RefreshAhead.run())
            .append(StarterPath.run())
            .append(ProcessorCompile.run());
      }
      default -> throw new IllegalArgumentException(
          "unknown benchmark " + what
              + "; use all, hotpath, interleaved, churn, burst, refresh, starter, processor, branch,"
              + " branches or soak");
    }
    System.out.println(out);
    Path results = Path.of("benchmarks/target/results.md");
    if (Files.isDirectory(results.getParent())) {
      Files.writeString(results, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    // The embedded server and emulator stop with the JVM.
    System.exit(ok ? 0 : 1);
  }

  static String row(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
