package io.lakeforge.processor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The environment-driven generator: writes {@code lakebase.yml} from {@code PROJECT_NAME} and
 * {@code CUSTOM_BRANCHES}, with the same model, validation and writer as the annotation processor.
 * It can express branch ids only, so it never silently replaces a file generated from a compiled
 * topology (which may carry protection, ttl, source branches and CU settings).
 *
 * <p>Exit codes: 0 written; 1 generation failed (invalid input, a file it must not replace, or an
 * I/O error), nothing written; 2 usage error.
 */
public final class LakeforgeCli {

  static final String SOURCE = "the PROJECT_NAME and CUSTOM_BRANCHES environment";

  static final int FAILED = 1;
  static final int USAGE = 2;

  static final String USAGE_TEXT = """
      Usage: java -jar lakeforge-cli.jar [generate] [--output DIR] [--force]
      Writes DIR/lakebase.yml (default DIR: resources) from the environment:
        PROJECT_NAME     the Lakebase project id (required)
        CUSTOM_BRANCHES  comma-separated branch ids (default: dev)
      Options:
        --output DIR     directory to write lakebase.yml into
        --force          replace a lakebase.yml this generator did not write, such as one
                         generated from a compiled @LakebaseProject topology
        --help           print this help
      Exit status: 0 written, 1 generation failed (nothing written), 2 usage error.
      """;

  private LakeforgeCli() {}

  /**
   * Runs the generator with the process environment and exits with its status.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    int code = run(System.getenv(), args, Path.of(""), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the generator.
   *
   * @param env the environment ({@code PROJECT_NAME}, {@code CUSTOM_BRANCHES})
   * @param args the command-line arguments, without a command name
   * @param workDir the directory relative paths are resolved against
   * @param out where the success report and {@code --help} go
   * @param err where errors and warnings go
   * @return the process exit code
   */
  public static int run(Map<String, String> env, String[] args, Path workDir, PrintStream out,
      PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (UsageException e) {
      err.println("lakeforge: " + e.getMessage());
      err.print(USAGE_TEXT);
      return USAGE;
    }
    if (options.help()) {
      out.print(USAGE_TEXT);
      return 0;
    }
    Path target = workDir.resolve(options.output()).resolve("lakebase.yml");
    List<String> errors = new ArrayList<>();
    String projectName = env.get("PROJECT_NAME");
    if (projectName == null || projectName.isBlank()) {
      errors.add("PROJECT_NAME is not set. Set it to the Lakebase project id, e.g."
          + " PROJECT_NAME=lakeforge-main.");
      return fail(err, errors);
    }
    List<String> extras = Topology.splitBranchList(env.get("CUSTOM_BRANCHES"));
    Topology topology = new Topology(
        projectName.strip(), "Branches", 0, SOURCE, Topology.withExtras(List.of(), extras));
    Report report = TopologyValidator.validate(topology, "CUSTOM_BRANCHES");
    for (Problem p : report.problems()) {
      if (p.error()) {
        errors.add(p.message());
      } else {
        err.println("warning: " + p.message());
      }
    }
    try {
      String owner = generatedFrom(target);
      if (owner != null && !owner.equals(SOURCE) && !options.force()) {
        errors.add(display(workDir, target) + " was "
            + (owner.isEmpty() ? "not written by this generator" : "generated from " + owner)
            + ". This generator knows only branch ids: replacing it would drop the protection,"
            + " ttl, source branches and CU settings it may declare, and a changed source_branch"
            + " recreates a branch (its data is lost) on the next deploy. Write elsewhere with"
            + " --output DIR, or pass --force to replace it.");
      }
      if (!errors.isEmpty()) {
        return fail(err, errors);
      }
      writeAtomically(target, BundleYamlWriter.write(topology));
    } catch (IOException | RuntimeException e) {
      errors.add("could not write " + display(workDir, target) + ": " + e);
      return fail(err, errors);
    }
    out.println("Successfully generated " + display(workDir, target) + " for project: "
        + topology.projectId());
    out.println("Branches: "
        + topology.branches().stream().map(BranchSpec::id).collect(Collectors.joining(", ")));
    return 0;
  }

  private static int fail(PrintStream err, List<String> errors) {
    for (String e : errors) {
      err.println("Lakebase resource generation failed: " + e);
    }
    return FAILED;
  }

  /**
   * What an existing file says it was generated from: {@code null} if there is no file, the
   * source named in a LakeForge header, or empty for any other file.
   */
  static String generatedFrom(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    String first;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      first = reader.readLine();
    }
    String suffix = ". Do not edit: change the topology and rebuild.";
    if (first == null || !first.startsWith(BundleYamlWriter.HEADER_PREFIX)
        || !first.endsWith(suffix)) {
      return "";
    }
    return first.substring(BundleYamlWriter.HEADER_PREFIX.length(),
        first.length() - suffix.length());
  }

  /**
   * Writes next to the target and renames, so readers never see a half-written file. The file is
   * created with default permissions (the umask decides), like any file the user's tools write.
   */
  private static void writeAtomically(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
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

  /** The parsed command line. */
  record Options(String output, boolean force, boolean help) {

    static Options parse(String[] args) {
      String output = "resources";
      boolean force = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          return new Options(output, force, true);
        } else if (arg.equals("--force")) {
          force = true;
        } else if (arg.equals("--output")) {
          if (i + 1 == args.length || args[i + 1].isEmpty() || args[i + 1].startsWith("--")) {
            throw new UsageException("--output needs a directory, e.g. --output resources");
          }
          output = args[++i];
        } else if (arg.startsWith("--output=")) {
          output = arg.substring("--output=".length());
          if (output.isEmpty()) {
            throw new UsageException("--output needs a directory, e.g. --output=resources");
          }
        } else {
          throw new UsageException("unknown argument " + Ids.quote(arg));
        }
      }
      return new Options(output, force, false);
    }
  }

  /** A command line that cannot be run; exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
