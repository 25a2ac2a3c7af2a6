package io.lakeforge.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place the command line reports a failure: a single line on standard error, every
 * secret masked by the {@link Redactor}. Text mode prints {@code error: lakeforge COMMAND:
 * MESSAGE}; {@code --output json} prints one JSON object, {@code {"error": MESSAGE, "command":
 * ..., "exit_status": 1, ...}}, also on standard error, so a script that captures or discards
 * standard output still shows why it failed.
 */
final class ErrorReport {

  static final String HELP_HINT = "run java -jar lakeforge-cli.jar branch --help for the options";

  private final Redactor redactor;
  private final boolean json;
  private final PrintStream err;

  ErrorReport(Redactor redactor, boolean json, PrintStream err) {
    this.redactor = redactor;
    this.json = json;
    this.err = err;
  }

  Redactor redactor() {
    return redactor;
  }

  /** Reports a failed operation; returns its exit status, 1. */
  int fail(String command, String message) {
    return fail(command, message, Map.of());
  }

  /** As above, with fields for the JSON object (free of secrets: they are printed as given). */
  int fail(String command, String message, Map<String, ?> details) {
    return print(command, message, details, 1);
  }

  /** Reports a usage error; returns its exit status, 2. */
  int usage(String command, String message) {
    return print(command, message + " (" + HELP_HINT + ")", Map.of(), 2);
  }

  private int print(String command, String message, Map<String, ?> details, int status) {
    String line = redactor.line(message);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", line);
      m.put("command", command);
      m.put("exit_status", status);
      m.putAll(details);
      err.println(BranchCommand.write(m));
    } else {
      err.println("error: lakeforge" + (command.isEmpty() ? "" : " " + command) + ": " + line);
    }
    return status;
  }
}
