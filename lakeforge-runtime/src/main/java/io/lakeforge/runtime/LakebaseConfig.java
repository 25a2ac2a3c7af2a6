package io.lakeforge.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Immutable connection and pool settings, read from the environment or set in code. Holds no
 * secret: passwords are minted per connection, and Databricks authentication is the SDK's.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PGHOST}</td><td>looked up from the endpoint</td><td>endpoint host</td></tr>
 *   <tr><td>{@code PGPORT}</td><td>5432</td><td>port</td></tr>
 *   <tr><td>{@code PGDATABASE}</td><td>{@code databricks_postgres}</td><td>database</td></tr>
 *   <tr><td>{@code PGUSER}</td><td>{@code DATABRICKS_CLIENT_ID}, else the current Databricks
 *       identity</td><td>PostgreSQL role</td></tr>
 *   <tr><td>{@code LAKEBASE_ENDPOINT}</td><td>none</td><td>{@code projects/P/branches/B/endpoints/E},
 *       for {@link LakebasePool} and {@link LakebaseDataSource}</td></tr>
 *   <tr><td>{@code PGSSLMODE}</td><td>{@code require}</td><td>{@code disable} only for local
 *       tests</td></tr>
 *   <tr><td>{@code LAKEBASE_PROJECT}</td><td>the handle's project</td><td>project id used by
 *       {@link Lakebase} instead of the one compiled into {@code Branches}</td></tr>
 * </table>
 *
 * <p>Pool defaults: min 0, max 10, acquisition timeout 30 s, max waiting 100, max lifetime 3600 s,
 * max idle 600 s.
 */
public final class LakebaseConfig {

  static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  static final Pattern ENDPOINT_PATH = Pattern.compile(
      "projects/([a-z][a-z0-9-]{0,62})/branches/([a-z][a-z0-9-]{0,62})/endpoints/([a-z][a-z0-9-]{0,62})");
  private static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  private final @Nullable String host;
  private final int port;
  private final String database;
  private final @Nullable String user;
  private final @Nullable String endpoint;
  private final String sslMode;
  private final @Nullable String projectOverride;
  private final int minSize;
  private final int maxSize;
  private final Duration acquisitionTimeout;
  private final int maxWaiting;
  private final Duration maxLifetime;
  private final Duration maxIdle;
  private final Duration idleValidation;
  private final CredentialMode credentialMode;
  private final Duration refreshMargin;
  private final Duration apiTimeout;
  private final int apiAttempts;
  private final Duration apiBackoff;
  private final boolean poolMetrics;

  private LakebaseConfig(Builder b) {
    host = b.host;
    port = b.port;
    database = b.database;
    user = b.user;
    endpoint = b.endpoint;
    sslMode = b.sslMode;
    projectOverride = b.projectOverride;
    minSize = b.minSize;
    maxSize = b.maxSize;
    acquisitionTimeout = b.acquisitionTimeout;
    maxWaiting = b.maxWaiting;
    maxLifetime = b.maxLifetime;
    maxIdle = b.maxIdle;
    idleValidation = b.idleValidation;
    credentialMode = b.credentialMode;
    refreshMargin = b.refreshMargin;
    apiTimeout = b.apiTimeout;
    apiAttempts = b.apiAttempts;
    apiBackoff = b.apiBackoff;
    poolMetrics = b.poolMetrics;
  }

  /** A builder with the defaults and nothing read from the environment. */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings from the process environment; see the class documentation for the variables. */
  public static LakebaseConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Settings from the given variables: the one place LakeForge reads its environment.
   *
   * @throws LakebaseConfigException naming the variable when a value is malformed
   */
  public static LakebaseConfig fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    String host = value(env, "PGHOST");
    if (host != null) {
      b.host(host);
    }
    String port = value(env, "PGPORT");
    if (port != null) {
      try {
        b.port(Integer.parseInt(port));
      } catch (NumberFormatException e) {
        throw new LakebaseConfigException("PGPORT", "PGPORT=\"" + port + "\" is not a port number."
            + " Set PGPORT to a number from 1 to 65535, or unset it for 5432.");
      }
      checkPort("PGPORT", b.port);
    }
    String database = value(env, "PGDATABASE");
    if (database != null) {
      b.database(database);
    }
    String user = value(env, "PGUSER");
    String clientId = value(env, "DATABRICKS_CLIENT_ID");
    if (user != null) {
      b.user(user);
    } else if (clientId != null) {
      b.user(clientId);
    }
    String endpoint = value(env, "LAKEBASE_ENDPOINT");
    if (endpoint != null) {
      checkEndpoint("LAKEBASE_ENDPOINT", endpoint);
      b.endpoint(endpoint);
    }
    String sslMode = value(env, "PGSSLMODE");
    if (sslMode != null) {
      checkSslMode("PGSSLMODE", sslMode);
      b.sslMode(sslMode);
    }
    String project = value(env, "LAKEBASE_PROJECT");
    if (project != null) {
      checkId("LAKEBASE_PROJECT", project);
      b.projectOverride(project);
    }
    return b.build();
  }

  private static @Nullable String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** A builder holding these settings, to override some in code. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.database = database;
    b.user = user;
    b.endpoint = endpoint;
    b.sslMode = sslMode;
    b.projectOverride = projectOverride;
    b.minSize = minSize;
    b.maxSize = maxSize;
    b.acquisitionTimeout = acquisitionTimeout;
    b.maxWaiting = maxWaiting;
    b.maxLifetime = maxLifetime;
    b.maxIdle = maxIdle;
    b.idleValidation = idleValidation;
    b.credentialMode = credentialMode;
    b.refreshMargin = refreshMargin;
    b.apiTimeout = apiTimeout;
    b.apiAttempts = apiAttempts;
    b.apiBackoff = apiBackoff;
    b.poolMetrics = poolMetrics;
    return b;
  }

  /** Endpoint host, or {@code null} to look it up from the endpoint through the Databricks API. */
  public @Nullable String host() {
    return host;
  }

  /** PostgreSQL port ({@code PGPORT}, default 5432). */
  public int port() {
    return port;
  }

  /** Database name ({@code PGDATABASE}, default {@code databricks_postgres}). */
  public String database() {
    return database;
  }

  /** PostgreSQL role, or {@code null} for the current Databricks identity. */
  public @Nullable String user() {
    return user;
  }

  /** Endpoint resource path, or {@code null} when endpoints come from branch handles. */
  public @Nullable String endpoint() {
    return endpoint;
  }

  /** PostgreSQL {@code sslmode} ({@code PGSSLMODE}, default {@code require}). */
  public String sslMode() {
    return sslMode;
  }

  /** Project id that replaces the one in branch handles, or {@code null}. */
  public @Nullable String projectOverride() {
    return projectOverride;
  }

  /** Connections the pool keeps open when idle (default 0). */
  public int minSize() {
    return minSize;
  }

  /** Most connections the pool opens (default 10). */
  public int maxSize() {
    return maxSize;
  }

  /** How long a caller waits for a connection (default 30 s). */
  public Duration acquisitionTimeout() {
    return acquisitionTimeout;
  }

  /** Callers allowed to wait at once before the next fails fast (default 100). */
  public int maxWaiting() {
    return maxWaiting;
  }

  /** Age at which a physical connection is replaced (default 3600 s). */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /** Idle time after which a connection above {@code minSize} is closed (default 600 s). */
  public Duration maxIdle() {
    return maxIdle;
  }

  /** Idle time after which a connection is validated before it is lent (default 30 s). */
  public Duration idleValidation() {
    return idleValidation;
  }

  /** Cached credentials or one per physical connection (default {@link CredentialMode#CACHED}). */
  public CredentialMode credentialMode() {
    return credentialMode;
  }

  /** Remaining validity at which a cached credential is refreshed (default 5 min, at most half its lifetime). */
  public Duration refreshMargin() {
    return refreshMargin;
  }

  /** Hard timeout of one Databricks API call (default 10 s). */
  public Duration apiTimeout() {
    return apiTimeout;
  }

  /** Attempts per Databricks API request, the first included (default 4). */
  public int apiAttempts() {
    return apiAttempts;
  }

  /** First retry delay, doubled per attempt with jitter (default 200 ms). */
  public Duration apiBackoff() {
    return apiBackoff;
  }

  /** Whether Agroal metrics are on (default {@code true}). */
  public boolean poolMetrics() {
    return poolMetrics;
  }

  /** The endpoint path, or an exception naming {@code LAKEBASE_ENDPOINT}. */
  String requireEndpoint() {
    if (endpoint == null) {
      throw new LakebaseConfigException("LAKEBASE_ENDPOINT", "LAKEBASE_ENDPOINT is not set. Set it"
          + " to the endpoint to connect to, e.g. projects/my-project/branches/dev/endpoints/primary,"
          + " or use Lakebase with a generated Branches handle.");
    }
    return endpoint;
  }

  @Override
  public String toString() {
    return "LakebaseConfig[host=" + host + ", port=" + port + ", database=" + database + ", user="
        + user + ", endpoint=" + endpoint + ", sslMode=" + sslMode + ", projectOverride="
        + projectOverride + ", pool=" + minSize + ".." + maxSize + ", maxWaiting=" + maxWaiting
        + ", acquisitionTimeout=" + acquisitionTimeout + ", maxLifetime=" + maxLifetime
        + ", maxIdle=" + maxIdle + ", credentialMode=" + credentialMode + "]";
  }

  static void checkId(String variable, String id) {
    if (!ID.matcher(id).matches()) {
      throw new LakebaseConfigException(variable, variable + "=\"" + id + "\" is not a Lakebase id."
          + " Set " + variable + " to 1-63 characters: a lowercase letter, then lowercase letters,"
          + " digits and hyphens.");
    }
  }

  static void checkEndpoint(String variable, String path) {
    if (!ENDPOINT_PATH.matcher(path).matches()) {
      throw new LakebaseConfigException(variable, variable + "=\"" + path + "\" is not an endpoint"
          + " path. Set " + variable + " to projects/<project>/branches/<branch>/endpoints/<endpoint>,"
          + " e.g. projects/lakeforge-main/branches/dev/endpoints/primary.");
    }
  }

  private static void checkSslMode(String variable, String mode) {
    if (!SSL_MODES.contains(mode)) {
      throw new LakebaseConfigException(variable, variable + "=\"" + mode + "\" is not an SSL mode."
          + " Set " + variable + " to require (the default; Lakebase needs TLS), verify-ca or"
          + " verify-full; disable is for local tests only.");
    }
  }

  private static void checkPort(String variable, int port) {
    if (port < 1 || port > 65535) {
      throw new LakebaseConfigException(variable, variable + "=" + port + " is not a port number."
          + " Set it to a number from 1 to 65535.");
    }
  }

  /** Builds a {@link LakebaseConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private @Nullable String host;
    private int port = 5432;
    private String database = "databricks_postgres";
    private @Nullable String user;
    private @Nullable String endpoint;
    private String sslMode = "require";
    private @Nullable String projectOverride;
    private int minSize = 0;
    private int maxSize = 10;
    private Duration acquisitionTimeout = Duration.ofSeconds(30);
    private int maxWaiting = 100;
    private Duration maxLifetime = Duration.ofSeconds(3600);
    private Duration maxIdle = Duration.ofSeconds(600);
    private Duration idleValidation = Duration.ofSeconds(30);
    private CredentialMode credentialMode = CredentialMode.CACHED;
    private Duration refreshMargin = Duration.ofMinutes(5);
    private Duration apiTimeout = Duration.ofSeconds(10);
    private int apiAttempts = 4;
    private Duration apiBackoff = Duration.ofMillis(200);
    private boolean poolMetrics = true;

    private Builder() {}

    /** Endpoint host; unset to look it up from the endpoint through the Databricks API. */
    public Builder host(@Nullable String host) {
      this.host = host;
      return this;
    }

    /** PostgreSQL port; 5432 by default. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Database name; {@code databricks_postgres} by default. */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /** PostgreSQL role; unset for the current Databricks identity. */
    public Builder user(@Nullable String user) {
      this.user = user;
      return this;
    }

    /** Endpoint resource path {@code projects/P/branches/B/endpoints/E}. */
    public Builder endpoint(@Nullable String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** PostgreSQL {@code sslmode}; {@code require} by default. */
    public Builder sslMode(String sslMode) {
      this.sslMode = Objects.requireNonNull(sslMode, "sslMode");
      return this;
    }

    /** Project id that replaces the one compiled into branch handles. */
    public Builder projectOverride(@Nullable String projectId) {
      this.projectOverride = projectId;
      return this;
    }

    /** Connections kept open when idle; 0 by default. */
    public Builder minSize(int minSize) {
      this.minSize = minSize;
      return this;
    }

    /** Most connections the pool opens; 10 by default. */
    public Builder maxSize(int maxSize) {
      this.maxSize = maxSize;
      return this;
    }

    /** How long a caller waits for a connection before failing. */
    public Builder acquisitionTimeout(Duration timeout) {
      this.acquisitionTimeout = Objects.requireNonNull(timeout, "acquisitionTimeout");
      return this;
    }

    /** Callers allowed to wait at once; one more fails at once with {@link PoolExhaustedException}. */
    public Builder maxWaiting(int maxWaiting) {
      this.maxWaiting = maxWaiting;
      return this;
    }

    /** A physical connection is closed and replaced after this long. */
    public Builder maxLifetime(Duration maxLifetime) {
      this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
      return this;
    }

    /** An idle physical connection above {@code minSize} is closed after this long. */
    public Builder maxIdle(Duration maxIdle) {
      this.maxIdle = Objects.requireNonNull(maxIdle, "maxIdle");
      return this;
    }

    /** A connection idle for longer than this is validated before it is lent out. */
    public Builder idleValidation(Duration idleValidation) {
      this.idleValidation = Objects.requireNonNull(idleValidation, "idleValidation");
      return this;
    }

    /** Cached credentials (default) or one per physical connection. */
    public Builder credentialMode(CredentialMode mode) {
      this.credentialMode = Objects.requireNonNull(mode, "credentialMode");
      return this;
    }

    /** A cached credential is refreshed once less than this much of its validity remains. */
    public Builder refreshMargin(Duration margin) {
      this.refreshMargin = Objects.requireNonNull(margin, "refreshMargin");
      return this;
    }

    /** Hard timeout of one Databricks API call. */
    public Builder apiTimeout(Duration timeout) {
      this.apiTimeout = Objects.requireNonNull(timeout, "apiTimeout");
      return this;
    }

    /** Attempts per Databricks API request (first try included) on 429, 5xx and timeouts. */
    public Builder apiAttempts(int attempts) {
      this.apiAttempts = attempts;
      return this;
    }

    /** First retry delay; doubles per attempt, with full jitter. */
    public Builder apiBackoff(Duration backoff) {
      this.apiBackoff = Objects.requireNonNull(backoff, "apiBackoff");
      return this;
    }

    /**
     * Agroal metrics behind {@link LakebasePoolStats#active()}, {@code idle()} and
     * {@code waiting()}; on by default. With them off, {@code maxWaiting} is enforced on callers
     * inside {@code getConnection()}, so up to {@code maxWaiting + maxSize} may wait.
     */
    public Builder poolMetrics(boolean enabled) {
      this.poolMetrics = enabled;
      return this;
    }

    /**
     * Checks and freezes the settings.
     *
     * @throws LakebaseConfigException naming the property at fault
     */
    public LakebaseConfig build() {
      checkPort("port", port);
      if (endpoint != null) {
        checkEndpoint("endpoint", endpoint);
      }
      checkSslMode("sslMode", sslMode);
      if (projectOverride != null) {
        checkId("projectOverride", projectOverride);
      }
      positive("maxSize", maxSize);
      if (minSize < 0 || minSize > maxSize) {
        throw new LakebaseConfigException("minSize", "minSize " + minSize + " must be between 0 and"
            + " maxSize (" + maxSize + ").");
      }
      if (maxWaiting < 0) {
        throw new LakebaseConfigException("maxWaiting", "maxWaiting must be 0 or more.");
      }
      positive("apiAttempts", apiAttempts);
      positive("acquisitionTimeout", acquisitionTimeout);
      positive("maxLifetime", maxLifetime);
      positive("maxIdle", maxIdle);
      positive("apiTimeout", apiTimeout);
      return new LakebaseConfig(this);
    }

    private static void positive(String name, int value) {
      if (value < 1) {
        throw new LakebaseConfigException(name, name + " must be at least 1, not " + value + ".");
      }
    }

    private static void positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new LakebaseConfigException(name, name + " must be positive, not " + value + ".");
      }
    }
  }
}
