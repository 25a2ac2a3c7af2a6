package io.lakeforge.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The catalogue of every LakeForge setting: each declared once with its environment variable,
 * parser, default and validation. {@link LakebaseConfig} and its builder are derived from it.
 */
public final class LakebaseSettings {

  /** A URL path segment as the Databricks API returns ids: RFC 3986 unreserved characters. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]{1,255}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
  static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
  /** JDBC properties LakeForge sets itself; a user value would bypass TLS or credential rules. */
  static final Set<String> RESERVED_JDBC_PROPERTIES = Set.of("user", "password", "sslmode",
      "sslrootcert", "sslfactory", "sslfactoryarg", "sslhostnameverifier", "ssl", "pghost",
      "pgport", "pgdbname", "host", "port", "dbname", "loginTimeout", "connectTimeout",
      "socketTimeout", "ApplicationName", "readOnly", "readOnlyMode", "options", "sslpassword",
      "sslpasswordcallback");

  private static final String DURATION_TEXT = "duration such as 500ms, 30s, 5m or PT30S";
  /*
   * Upper limits, so that no value that passes here overflows later (nanoseconds in a long,
   * seconds or milliseconds in an int for pgjdbc and PostgreSQL) or allocates per unit.
   */
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofHours(24);
  private static final Duration WEEK = Duration.ofHours(168);
  /** PostgreSQL itself refuses more than 2^31-1 ms (596 h) at login, with SQLSTATE 22023. */
  private static final Duration MONTH = Duration.ofHours(720);
  /** The backoff is capped at 5 s per retry anyway. */
  private static final Duration BACKOFF = Duration.ofSeconds(5);
  /** Lakebase's largest compute (64 CU) takes about 13,000 connections. */
  private static final int MAX_POOL_SIZE = 10_000;
  private static final int MAX_QUEUE = 100_000;

  /** Endpoint host ({@code PGHOST}); unset to read it from the endpoint through the API. */
  public static final Setting<String> HOST = text("host", List.of("PGHOST"), null,
      "Endpoint host; unset to read it from the endpoint (status.hosts.host) through the API.",
      "a host name or IP address", h -> !h.contains("/") && !h.contains("?") && !h.contains(" "));
  /** Setting {@code PORT}; see its {@link Setting#description()}. */
  public static final Setting<Integer> PORT = integer("port", List.of("PGPORT"), 5432,
      "PostgreSQL port.", 1, 65535);
  /** Setting {@code DATABASE}; see its {@link Setting#description()}. */
  public static final Setting<String> DATABASE = text("database", List.of("PGDATABASE"),
      "databricks_postgres", "Database name; when set, it wins over the database a branch handle"
          + " declares. Passed as a connection property, never into the URL.",
      "a database name", d -> true);
  /** Setting {@code USER}; see its {@link Setting#description()}. */
  public static final Setting<String> USER = text("user", List.of("PGUSER", "DATABRICKS_CLIENT_ID"),
      null, "PostgreSQL role; unset for the current Databricks identity (SCIM Me).",
      "a PostgreSQL role name", u -> true);
  /** Setting {@code ENDPOINT}; see its {@link Setting#description()}. */
  public static final Setting<String> ENDPOINT = text("endpoint", List.of("LAKEBASE_ENDPOINT"),
      null, "Endpoint resource path, for LakebasePool, LakebaseAsyncPool and LakebaseDataSource.",
      "an endpoint path projects/<project>/branches/<branch>/endpoints/<endpoint>, e.g."
          + " projects/lakeforge-main/branches/dev/endpoints/primary",
      LakebaseSettings::isEndpointPath);
  /** Setting {@code PROJECT}; see its {@link Setting#description()}. */
  public static final Setting<String> PROJECT = text("projectOverride", List.of("LAKEBASE_PROJECT"),
      null, "Project id that replaces the one compiled into Branches handles.",
      "a project id as the API returns it (letters, digits, '-', '_', '.', '~')",
      LakebaseSettings::isSegment);
  /** Setting {@code SSL_MODE}; see its {@link Setting#description()}. */
  public static final Setting<String> SSL_MODE = text("sslMode", List.of("PGSSLMODE"),
      "verify-full", "PostgreSQL sslmode; verify-full checks the certificate and the host name.",
      "verify-full (the default), verify-ca, or for loopback hosts require, prefer, allow or"
          + " disable", SSL_MODES::contains);
  /** Setting {@code SSL_ROOT_CERT}; see its {@link Setting#description()}. */
  public static final Setting<Path> SSL_ROOT_CERT = setting("sslRootCert", List.of("PGSSLROOTCERT"),
      Path.class, null, "PEM file with the CA certificates to trust instead of the JVM trust store.",
      "the path of a PEM file", Path::of, p -> null);
  /** Setting {@code ALLOW_UNVERIFIED_TLS}; see its {@link Setting#description()}. */
  public static final Setting<Boolean> ALLOW_UNVERIFIED_TLS = bool("allowUnverifiedTls",
      List.of("LAKEBASE_ALLOW_UNVERIFIED_TLS"), false,
      "Allows sslmode disable, allow, prefer or require for a host that is not loopback.");
  /** Setting {@code APPLICATION_NAME}; see its {@link Setting#description()}. */
  public static final Setting<String> APPLICATION_NAME = text("applicationName",
      List.of("PGAPPNAME"), "lakeforge", "application_name of every session.",
      "up to 63 characters", a -> a.length() <= 63);
  /** Setting {@code STATEMENT_TIMEOUT}; see its {@link Setting#description()}. */
  public static final Setting<Duration> STATEMENT_TIMEOUT = duration("statementTimeout",
      "LAKEBASE_STATEMENT_TIMEOUT", Duration.ZERO,
      "statement_timeout of every session; 0 leaves the server's default.", false, MONTH);
  /** Setting {@code IDLE_IN_TRANSACTION_TIMEOUT}; see its {@link Setting#description()}. */
  public static final Setting<Duration> IDLE_IN_TRANSACTION_TIMEOUT = duration(
      "idleInTransactionTimeout", "LAKEBASE_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", Duration.ZERO,
      "idle_in_transaction_session_timeout of every session; 0 leaves the server's default.",
      false, MONTH);
  /** Setting {@code JDBC_PROPERTIES}; see its {@link Setting#description()}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final Setting<Map<String, String>> JDBC_PROPERTIES = (Setting) setting(
      "jdbcProperties", List.of("LAKEBASE_JDBC_PROPERTIES"), Map.class, Map.of(),
      "Extra pgjdbc connection properties, e.g. prepareThreshold=0,tcpNoDelay=true.",
      "comma-separated name=value pairs, none of them a property LakeForge sets itself ("
          + "user, password, ssl*, timeouts, host, port, database, readOnly, options)",
      LakebaseSettings::properties, LakebaseSettings::reservedProperty);
  /** Setting {@code READ_ONLY}; see its {@link Setting#description()}. */
  public static final Setting<Boolean> READ_ONLY = bool("readOnly", List.of("LAKEBASE_READ_ONLY"),
      false, "Hands out read-only connections; set for read-only endpoints automatically.");
  /** Setting {@code MIN_SIZE}; see its {@link Setting#description()}. */
  public static final Setting<Integer> MIN_SIZE = integer("minSize",
      List.of("LAKEBASE_POOL_MIN_SIZE"), 0, "Connections the pool keeps open when idle.", 0,
      MAX_POOL_SIZE);
  /** Setting {@code MAX_SIZE}; see its {@link Setting#description()}. */
  public static final Setting<Integer> MAX_SIZE = integer("maxSize",
      List.of("LAKEBASE_POOL_MAX_SIZE"), 10, "Most connections the pool opens.", 1,
      MAX_POOL_SIZE);
  /** Setting {@code ACQUISITION_TIMEOUT}; see its {@link Setting#description()}. */
  public static final Setting<Duration> ACQUISITION_TIMEOUT = duration("acquisitionTimeout",
      "LAKEBASE_ACQUISITION_TIMEOUT", Duration.ofSeconds(30),
      "Budget of one getConnection(): waiting, credential, login and validation.", true, HOUR);
  /** Setting {@code FAIL_FAST}; see its {@link Setting#description()}. */
  public static final Setting<Boolean> FAIL_FAST = bool("failFast",
      List.of("LAKEBASE_FAIL_FAST"), true,
      "Creating a pool opens its first connection within acquisitionTimeout and fails if it"
          + " cannot, as HikariCP's initializationFailTimeout; false: creating it waits for no"
          + " credential and the first getConnection() reports a failure.");
  /** Setting {@code MAX_WAITING}; see its {@link Setting#description()}. */
  public static final Setting<Integer> MAX_WAITING = integer("maxWaiting",
      List.of("LAKEBASE_POOL_MAX_WAITING"), 100,
      "Callers allowed to wait at once; one more fails at once.", 0, MAX_QUEUE);
  /** Setting {@code MAX_LIFETIME}; see its {@link Setting#description()}. */
  public static final Setting<Duration> MAX_LIFETIME = duration("maxLifetime",
      "LAKEBASE_MAX_LIFETIME", Duration.ofSeconds(3600),
      "Age at which a physical connection is replaced; each connection draws its own age from"
          + " the last tenth below it, so connections opened together are not replaced together.",
      true, WEEK);
  /** Setting {@code MAX_IDLE}; see its {@link Setting#description()}. */
  public static final Setting<Duration> MAX_IDLE = duration("maxIdle", "LAKEBASE_MAX_IDLE",
      Duration.ofSeconds(600), "Idle time after which a connection above minSize is closed.",
      true, WEEK);
  /** Setting {@code IDLE_VALIDATION}; see its {@link Setting#description()}. */
  public static final Setting<Duration> IDLE_VALIDATION = duration("idleValidation",
      "LAKEBASE_IDLE_VALIDATION", Duration.ofSeconds(30),
      "Idle time after which a connection is validated before it is lent out.", false, WEEK);
  /** Setting {@code VALIDATION_TIMEOUT}; see its {@link Setting#description()}. */
  public static final Setting<Duration> VALIDATION_TIMEOUT = duration("validationTimeout",
      "LAKEBASE_VALIDATION_TIMEOUT", Duration.ofSeconds(5),
      "Bound of one validation (isValid), at most the acquisition timeout; whole seconds.",
      true, HOUR);
  /** Setting {@code CONNECT_TIMEOUT}; see its {@link Setting#description()}. */
  public static final Setting<Duration> CONNECT_TIMEOUT = duration("connectTimeout",
      "PGCONNECT_TIMEOUT", Duration.ofSeconds(10),
      "Bound of the TCP connect of a new connection, at most what remains of the budget.",
      true, HOUR);
  /** Setting {@code SOCKET_TIMEOUT}; see its {@link Setting#description()}. */
  public static final Setting<Duration> SOCKET_TIMEOUT = duration("socketTimeout",
      "LAKEBASE_SOCKET_TIMEOUT", Duration.ZERO,
      "Read timeout of a borrowed connection (0: none; logins are always bounded by the budget).",
      false, DAY);
  /** Setting {@code CREDENTIAL_MODE}; see its {@link Setting#description()}. */
  public static final Setting<CredentialMode> CREDENTIAL_MODE = setting("credentialMode",
      List.of("LAKEBASE_CREDENTIAL_MODE"), CredentialMode.class, CredentialMode.CACHED,
      "One cached credential per endpoint and identity, or one per physical connection.",
      "CACHED or PER_CONNECTION",
      s -> CredentialMode.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_')), m -> null);
  /** Setting {@code REFRESH_MARGIN}; see its {@link Setting#description()}. */
  public static final Setting<Duration> REFRESH_MARGIN = duration("refreshMargin",
      "LAKEBASE_REFRESH_MARGIN", Duration.ofMinutes(5),
      "Remaining validity at which a cached credential is refreshed in the background (at most"
          + " half its lifetime).", false, HOUR);
  /** Setting {@code API_TIMEOUT}; see its {@link Setting#description()}. */
  public static final Setting<Duration> API_TIMEOUT = duration("apiTimeout",
      "LAKEBASE_API_TIMEOUT", Duration.ofSeconds(10),
      "Connect and read timeout of one Databricks API call (LakeForge's own HTTP client).",
      true, HOUR);
  /** Setting {@code API_ATTEMPTS}; see its {@link Setting#description()}. */
  public static final Setting<Integer> API_ATTEMPTS = integer("apiAttempts",
      List.of("LAKEBASE_API_ATTEMPTS"), 4, "Attempts per Databricks API request, the first included.",
      1, 20);
  /** Setting {@code API_BACKOFF}; see its {@link Setting#description()}. */
  public static final Setting<Duration> API_BACKOFF = duration("apiBackoff",
      "LAKEBASE_API_BACKOFF", Duration.ofMillis(200),
      "First retry delay of an API call, doubled per attempt with jitter (at most 5 s).",
      false, BACKOFF);
  /** Setting {@code POOL_METRICS}; see its {@link Setting#description()}. */
  public static final Setting<Boolean> POOL_METRICS = bool("poolMetrics",
      List.of("LAKEBASE_POOL_METRICS"), true, "Agroal metrics behind LakebasePoolStats.");
  /** Setting {@code CLOSE_GRACE}; see its {@link Setting#description()}. */
  public static final Setting<Duration> CLOSE_GRACE = duration("closeGrace",
      "LAKEBASE_CLOSE_GRACE", Duration.ZERO,
      "How long close() waits for borrowed connections and running async work (0: no wait).",
      false, HOUR);

  /** Setting {@code POOL_IDLE_RELEASE}; see its {@link Setting#description()}. */
  public static final Setting<Duration> POOL_IDLE_RELEASE = duration("poolIdleRelease",
      "LAKEBASE_POOL_IDLE_RELEASE", Duration.ofMinutes(10),
      "How long a Lakebase branch pool stays open with no connection open (they close after"
          + " maxIdle above minSize) and no caller; it is then closed with its thread and"
          + " credential, and opens again on next use (0: never).", false, WEEK);

  private static final List<Setting<?>> ALL = List.of(HOST, PORT, DATABASE, USER, ENDPOINT,
      PROJECT, SSL_MODE, SSL_ROOT_CERT, ALLOW_UNVERIFIED_TLS, APPLICATION_NAME, STATEMENT_TIMEOUT,
      IDLE_IN_TRANSACTION_TIMEOUT, JDBC_PROPERTIES, READ_ONLY, MIN_SIZE, MAX_SIZE,
      ACQUISITION_TIMEOUT, FAIL_FAST, MAX_WAITING, MAX_LIFETIME, MAX_IDLE, IDLE_VALIDATION,
      VALIDATION_TIMEOUT, CONNECT_TIMEOUT, SOCKET_TIMEOUT, CREDENTIAL_MODE, REFRESH_MARGIN,
      API_TIMEOUT, API_ATTEMPTS, API_BACKOFF, POOL_METRICS, CLOSE_GRACE, POOL_IDLE_RELEASE);

  private LakebaseSettings() {}

  /** Every setting, in documentation order. */
  public static List<Setting<?>> all() {
    return ALL;
  }

  /** Whether a path has the shape of an endpoint resource name the API can return. */
  static boolean isEndpointPath(String path) {
    String[] p = path.split("/", -1);
    return p.length == 6 && p[0].equals("projects") && p[2].equals("branches")
        && p[4].equals("endpoints") && isSegment(p[1]) && isSegment(p[3]) && isSegment(p[5]);
  }

  /** One URL path segment: unreserved characters only, and not a dot segment. */
  static boolean isSegment(String s) {
    return SEGMENT.matcher(s).matches() && !s.equals(".") && !s.equals("..");
  }

  static Duration parseDuration(String s) {
    if (s.startsWith("P") || s.startsWith("p")) {
      return Duration.parse(s.toUpperCase(Locale.ROOT));
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(s);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static Map<String, String> properties(String text) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException(pair);
      }
      map.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return Map.copyOf(map);
  }

  /**
   * What is wrong with a {@code LAKEBASE_JDBC_PROPERTIES} text, naming property keys and entry
   * positions only: a pgjdbc property value can be a secret ({@code password},
   * {@code sslpassword}), so no message repeats one.
   */
  static String jdbcPropertiesProblem(String text) {
    String[] pairs = text.split(",");
    for (int i = 0; i < pairs.length; i++) {
      if (!pairs[i].isBlank() && pairs[i].indexOf('=') < 1) {
        return "entry " + (i + 1) + " of " + pairs.length + " is not name=value";
      }
    }
    return jdbcPropertiesProblem(properties(text));
  }

  /** As above, for properties already split into keys and values (the builder's). */
  static String jdbcPropertiesProblem(Map<String, String> properties) {
    String key = reservedProperty(properties);
    if (key == null) {
      return "a property is malformed";
    }
    return "it sets " + key + ", which LakeForge sets itself"
        + (key.toLowerCase(Locale.ROOT).contains("password")
            ? " (the password is a credential minted per connection; never configure one)" : "");
  }

  private static @Nullable String reservedProperty(Map<String, String> properties) {
    for (String key : properties.keySet()) {
      for (String reserved : RESERVED_JDBC_PROPERTIES) {
        if (reserved.equalsIgnoreCase(key) || key.toLowerCase(Locale.ROOT).contains("password")) {
          return key;
        }
      }
    }
    return null;
  }

  private static <T> Setting<T> setting(String name, List<String> env, Class<?> type,
      @Nullable T def, String description, String expectation, Function<String, T> parser,
      Setting.Check<T> check) {
    return new Setting<>(name, env, type, def, description, expectation, parser, check);
  }

  private static Setting<String> text(String name, List<String> env, @Nullable String def,
      String description, String expectation, java.util.function.Predicate<String> valid) {
    return setting(name, env, String.class, def, description, expectation, s -> s,
        v -> valid.test(v) && !v.isEmpty() ? null : expectation);
  }

  private static Setting<Integer> integer(String name, List<String> env, int def,
      String description, int min, int max) {
    String expectation = max == Integer.MAX_VALUE
        ? "a number of at least " + min
        : "a number from " + min + " to " + max;
    return setting(name, env, Integer.class, def, description, expectation, Integer::parseInt,
        v -> v >= min && v <= max ? null : expectation);
  }

  private static Setting<Boolean> bool(String name, List<String> env, boolean def,
      String description) {
    return setting(name, env, Boolean.class, def, description, "true or false", s -> {
      if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(s);
      }
      throw new IllegalArgumentException(s);
    }, v -> null);
  }

  private static Setting<Duration> duration(String name, String env, Duration def,
      String description, boolean positive, Duration max) {
    String expectation = (positive ? "a positive " : "a zero or positive ") + DURATION_TEXT
        + ", at most " + text(max);
    return setting(name, List.of(env), Duration.class, def, description, expectation,
        LakebaseSettings::parseDuration,
        v -> v.isNegative() || (positive && v.isZero()) || v.compareTo(max) > 0 ? expectation
            : null);
  }

  /** A limit as a user would write it: 1h, 168h, 5s. */
  private static String text(Duration d) {
    return d.toSecondsPart() == 0 && d.toMinutesPart() == 0 ? d.toHours() + "h"
        : d.getSeconds() + "s";
  }
}
