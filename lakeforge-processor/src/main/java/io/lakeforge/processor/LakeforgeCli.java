package io.lakeforge.processor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The original entry point, kept: generates {@code lakebase.yml} from the environment.
 *
 * <pre>
 * PROJECT_NAME=lakeforge-main CUSTOM_BRANCHES=dev,staging \
 *   java -jar lakeforge-processor/target/lakeforge-processor.jar [--output DIR]
 * </pre>
 *
 * <p>Uses the same model, validation and writer as the annotation processor. On failure it prints
 * one line to stderr, exits 1, and leaves any existing file untouched.
 */
public final class LakeforgeCli {

  static final String SOURCE = "the PROJECT_NAME and CUSTOM_BRANCHES environment";

  private LakeforgeCli() {}

  public static void main(String[] args) {
    int code = run(System.getenv(), args, Path.of(""), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the generator; returns the process exit code. */
  static int run(Map<String, String> env, String[] args, Path workDir, PrintStream out,
      PrintStream err) {
    try {
      Path outputDir = outputDir(args, workDir);
      String projectName = env.get("PROJECT_NAME");
      if (projectName == null || projectName.isBlank()) {
        throw new Failure("PROJECT_NAME is not set. Set it to the Lakebase project id, e.g."
            + " PROJECT_NAME=lakeforge-main.");
      }
      List<String> extras = Topology.splitBranchList(env.get("CUSTOM_BRANCHES"));
      Topology topology = new Topology(
          projectName.strip(), "Branches", 0, SOURCE, Topology.withExtras(List.of(), extras));
      Report report = TopologyValidator.validate(topology, "CUSTOM_BRANCHES");
      if (report.hasErrors()) {
        throw new Failure(report.firstError());
      }
      for (Problem p : report.problems()) {
        err.println("warning: " + p.message());
      }
      Path target = outputDir.resolve("lakebase.yml");
      writeAtomically(target, BundleYamlWriter.write(topology));
      out.println("Successfully generated " + display(workDir, target) + " for project: "
          + topology.projectId());
      out.println("Branches: "
          + topology.branches().stream().map(BranchSpec::id).collect(Collectors.joining(", ")));
      return 0;
    } catch (Failure e) {
      err.println("Lakebase resource generation failed: " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("Lakebase resource generation failed: " + e);
      return 1;
    }
  }

  private static Path outputDir(String[] args, Path workDir) {
    Path dir = workDir.resolve("resources");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--output") && i + 1 < args.length) {
        dir = workDir.resolve(args[++i]);
      } else if (args[i].startsWith("--output=")) {
        dir = workDir.resolve(args[i].substring("--output=".length()));
      } else {
        throw new Failure("unknown argument " + Ids.quote(args[i])
            + ". Usage: java -jar lakeforge-processor.jar [--output DIR]");
      }
    }
    return dir;
  }

  /** Writes next to the target and renames, so readers never see a half-written file. */
  private static void writeAtomically(Path target, String text) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".lakebase", ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String display(Path workDir, Path target) {
    Path abs = workDir.toAbsolutePath().normalize();
    Path t = target.toAbsolutePath().normalize();
    return (t.startsWith(abs) ? abs.relativize(t) : t).toString().replace('\\', '/');
  }

  /** An expected failure whose message is the whole story. */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }
}
