package io.lakeforge.cli;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.processor.LakeforgeCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.logging.LogManager;

/**
 * The one LakeForge command line: {@code java -jar lakeforge-cli.jar [COMMAND] [OPTIONS]}. Without a
 * command it runs {@code generate}, the environment-driven bundle generator, so the original
 * {@code PROJECT_NAME=... java -jar ...} entry point keeps working. Later commands join here.
 *
 * <p>Exit codes follow the generator: 0 success, 1 the command failed, 2 usage error.
 */
public final class Lakeforge {

  static final String COMMANDS = """
      Usage: java -jar lakeforge-cli.jar [COMMAND] [OPTIONS]
      Commands:
        generate        write lakebase.yml from PROJECT_NAME and CUSTOM_BRANCHES (the default)
        branch create   create an ephemeral branch (a preview, a test run) from a source branch
        branch extend   move an ephemeral branch's expiry
        branch delete   delete an ephemeral branch
        branch list     list the project's branches, declared and ephemeral
        branch migrate  apply SQL migrations to an ephemeral branch
        help            print this help (also --help)
        version         print the version (also --version)
      Run java -jar lakeforge-cli.jar COMMAND --help for a command's options.
      The branch commands never touch a branch the compiled topology (resources/lakebase.yml)
      declares or a protected one.
      """;

  private Lakeforge() {}

  /**
   * Runs a command and exits with its status.
   *
   * @param args the command name (optional) and its arguments
   */
  public static void main(String[] args) {
    // The JDK's console handler would print the libraries' log lines (pgjdbc, Agroal, the
    // runtime's System.Logger) unmasked; the commands report everything that matters themselves.
    LogManager.getLogManager().reset();
    int code;
    try {
      code = run(System.getenv(), args, Path.of(""), System.out, System.err);
    } catch (Throwable e) {
      // An Error (run handles every RuntimeException): still one masked line, no stack trace.
      System.err.println("error: lakeforge: "
          + Redactor.of(System.getenv()).line(BranchCommand.unexpected(e)));
      code = 1;
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(Map<String, String> env, String[] args, Path workDir, PrintStream out,
      PrintStream err) {
    return run(env, args, workDir, out, err, WorkspaceClient::new);
  }

  /** As above, with the Databricks client of the {@code branch} commands from {@code clients}. */
  static int run(Map<String, String> env, String[] args, Path workDir, PrintStream out,
      PrintStream err, Supplier<WorkspaceClient> clients) {
    try {
      return dispatch(env, args, workDir, out, err, clients);
    } catch (RuntimeException e) {
      return new ErrorReport(Redactor.of(env), BranchCommand.wantsJson(args), err)
          .fail("", BranchCommand.unexpected(e));
    }
  }

  private static int dispatch(Map<String, String> env, String[] args, Path workDir,
      PrintStream out, PrintStream err, Supplier<WorkspaceClient> clients) {
    if (args.length > 0 && args[0].equals("branch")) {
      return BranchCommand.run(env, Arrays.copyOfRange(args, 1, args.length), workDir, out, err,
          clients);
    }
    if (args.length > 0 && List.of("help", "--help", "-h").contains(args[0])) {
      out.print(COMMANDS);
      return 0;
    }
    if (args.length > 0 && List.of("version", "--version").contains(args[0])) {
      out.println("lakeforge-cli " + version());
      return 0;
    }
    if (args.length == 0 || args[0].startsWith("-")) {
      return LakeforgeCli.run(env, args, workDir, out, err);
    }
    if (args[0].equals("generate")) {
      return LakeforgeCli.run(env, Arrays.copyOfRange(args, 1, args.length), workDir, out, err);
    }
    if (BranchCommand.wantsJson(args)) {
      return new ErrorReport(Redactor.of(env), true, err).usage(args[0],
          "unknown command \"" + args[0] + "\"");
    }
    err.println("lakeforge: unknown command \"" + args[0] + "\"");
    err.print(COMMANDS);
    return 2;
  }

  /** The jar's version: its manifest's, else Maven's pom.properties, else a development build. */
  static String version() {
    String v = Lakeforge.class.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    try (InputStream in = Lakeforge.class.getResourceAsStream(
        "/META-INF/maven/io.lakeforge/lakeforge-cli/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        if (p.getProperty("version") != null) {
          return p.getProperty("version");
        }
      }
    } catch (IOException e) {
      // Fall through: the version is only informative.
    }
    return "(development build)";
  }
}
