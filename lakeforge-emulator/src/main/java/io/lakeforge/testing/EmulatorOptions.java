package io.lakeforge.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The emulator's command line ({@code java -jar lakeforge-emulator-standalone.jar [OPTION]...}),
 * parsed. Every error is a {@link UsageException} naming the option.
 */
final class EmulatorOptions {

  static final String HELP = String.join("\n",
      "Usage: java -jar lakeforge-emulator-standalone.jar [OPTION]...",
      "",
      "Starts an embedded PostgreSQL 17 server and a Databricks API emulator in front of it (OAuth",
      "M2M, GitHub ID tokens for github-oidc, SCIM Me, Lakebase projects, branches, endpoints and",
      "credentials), prints the environment to export, and runs until SIGTERM or Ctrl-C.",
      "",
      "  --port N                  the emulator's HTTP port (default 0: one the OS picks)",
      "  --bind ADDRESS            the HTTP API's address (default 127.0.0.1); a non-loopback",
      "                            address needs --allow-remote",
      "  --allow-remote            allow --bind on a non-loopback address (plain HTTP, a test",
      "                            secret; PostgreSQL and the control calls stay on loopback)",
      "  --pg-port N               the base PostgreSQL port on 127.0.0.1 (default 0: one the OS",
      "                            picks); branch servers use it on 127.0.0.2, 127.0.0.3, ...",
      "  --env-file FILE           also write the variables to FILE as NAME=value lines",
      "  --project ID              the Lakebase project (default lakeforge-main)",
      "  --branch ID[:protected]   a branch that exists at start (repeatable; default",
      "                            production:protected, dev, staging:protected, pre-prod)",
      "  --principal ID            another service principal that may log in (repeatable)",
      "  --database NAME           a database owned by the service principal's role besides",
      "                            databricks_postgres (repeatable; default orders, the sample's)",
      "",
      "Faults (also at run time: POST /emulator/faults?NAME=VALUE&... on loopback):",
      "  --fail-rate R             this fraction (0 to 1) of credential calls answer 429 or 500",
      "  --latency DURATION        added to every credential call (250ms, 2s, 5m, 1h, PT1.5S)",
      "  --credential-lifetime DURATION",
      "                            lifetime of minted credentials (default 1h); the PostgreSQL",
      "                            password rotates when one expires",
      "  --hang                    credential calls are accepted and never answered",
      "  --stop-minting            credential calls answer 503; the current credential keeps",
      "                            working until it expires",
      "",
      "  -h, --help                this help",
      "",
      "Exit status: 0 after a clean stop, 2 for a usage error.",
      "Legacy form for scripts: ENV_FILE [PROJECT [BRANCH[:protected]...]] [--principal=ID]...",
      "(writes ENV_FILE and runs until standard input closes).",
      "");

  static final List<String> DEFAULT_BRANCHES =
      List.of("production:protected", "dev", "staging:protected", "pre-prod");
  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** A command line the emulator cannot run; the message starts with the option. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  boolean help;
  int port;
  InetAddress bind = InetAddress.getLoopbackAddress();
  boolean allowRemote;
  int pgPort;
  Path envFile;
  String project = "lakeforge-main";
  final List<String> branches = new ArrayList<>();
  final List<String> principals = new ArrayList<>();
  final List<String> databases = new ArrayList<>();
  /** Fault knobs by their control-endpoint name, checked already. */
  final Map<String, String> faults = new LinkedHashMap<>();

  private EmulatorOptions() {}

  static EmulatorOptions parse(String... args) throws UsageException {
    EmulatorOptions o = new EmulatorOptions();
    String bindText = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "-h", "--help" -> o.help = true;
        case "--allow-remote" -> o.allowRemote = flag(name, value);
        case "--hang" -> o.faults.put("hang", Boolean.toString(flag(name, value)));
        case "--stop-minting" -> o.faults.put("stop-minting", Boolean.toString(flag(name, value)));
        case "--port", "--pg-port", "--bind", "--env-file", "--project", "--branch", "--principal",
            "--database", "--fail-rate", "--latency", "--credential-lifetime" -> {
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
              throw new UsageException(name + ": needs a value");
            }
            value = args[++i];
          }
          o.set(name, value);
          if (name.equals("--bind")) {
            bindText = value;
          }
        }
        default -> throw new UsageException(arg.startsWith("-")
            ? name + ": unknown option"
            : arg + ": unexpected argument (the legacy form takes ENV_FILE first)");
      }
    }
    if (!o.bind.isLoopbackAddress() && !o.allowRemote) {
      throw new UsageException("--bind " + bindText + ": not a loopback address; add"
          + " --allow-remote to serve other machines (plain HTTP with a test secret)");
    }
    if (o.databases.isEmpty()) {
      o.databases.add("orders");
    }
    if (o.branches.isEmpty()) {
      o.branches.addAll(DEFAULT_BRANCHES);
    }
    return o;
  }

  private void set(String name, String value) throws UsageException {
    switch (name) {
      case "--port" -> port = port(name, value);
      case "--pg-port" -> pgPort = port(name, value);
      case "--bind" -> {
        if (value.isBlank()) {
          throw new UsageException("--bind: needs an address");
        }
        try {
          bind = InetAddress.getByName(value);
        } catch (UnknownHostException e) {
          throw new UsageException("--bind " + value + ": unknown host");
        }
      }
      case "--env-file" -> {
        if (value.isBlank()) {
          throw new UsageException("--env-file: needs a file name");
        }
        envFile = Path.of(value);
      }
      case "--project" -> project = id(name, value);
      case "--branch" -> {
        String[] parts = value.split(":", 2);
        id(name, parts[0]);
        if (parts.length > 1 && !parts[1].equals("protected")) {
          throw new UsageException("--branch " + value + ": the only suffix is ':protected'");
        }
        branches.add(value);
      }
      case "--principal" -> {
        if (value.isBlank()) {
          throw new UsageException("--principal: needs an application id");
        }
        principals.add(value);
      }
      case "--database" -> {
        if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
          throw new UsageException("--database: not a plain database name (lower-case letters,"
              + " digits and '_'): '" + value + "'");
        }
        if (!value.equals("databricks_postgres") && !databases.contains(value)) {
          databases.add(value);
        }
      }
      case "--fail-rate" -> faults.put("fail-rate", Double.toString(check(name,
          () -> FaultValues.rate(name, value))));
      case "--latency" -> faults.put("latency", check(name,
          () -> FaultValues.duration(name, value, false)).toString());
      case "--credential-lifetime" -> faults.put("credential-lifetime", check(name,
          () -> FaultValues.duration(name, value, true)).toString());
      default -> throw new IllegalStateException(name);
    }
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T check(String name, Parse<T> parse) throws UsageException {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static boolean flag(String name, String value) throws UsageException {
    if (value == null) {
      return true;
    }
    try {
      return FaultValues.bool(name, value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static int port(String name, String value) throws UsageException {
    try {
      int p = Integer.parseInt(value.strip());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new UsageException(name + ": not a port number from 0 to 65535: '" + value + "'");
  }

  private static String id(String name, String value) throws UsageException {
    if (!ID.matcher(value).matches()) {
      throw new UsageException(name + ": not a Lakebase id (lower-case letters, digits and '-',"
          + " 1 to 63 characters): '" + value + "'");
    }
    return value;
  }

  /** The emulator's HTTP address. */
  java.net.InetSocketAddress httpAddress() {
    return new java.net.InetSocketAddress(bind, port);
  }
}
