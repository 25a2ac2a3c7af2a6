package io.lakeforge.runtime;

import static io.lakeforge.runtime.LakebaseSettings.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Immutable connection and pool settings, read from the environment or set in code. Holds no
 * secret: passwords are minted per connection, and Databricks authentication is the SDK's.
 *
 * <p>Every setting is declared once in {@link LakebaseSettings} (name, environment variable,
 * type, default, validation); {@link #get(Setting)} and {@link Builder#set(Setting, Object)} work
 * for all of them, and the named getters and builder methods are shorthands. The main variables:
 * {@code PGHOST} (default: read from the endpoint), {@code PGPORT} (5432), {@code PGDATABASE}
 * ({@code databricks_postgres}), {@code PGUSER} (else {@code DATABRICKS_CLIENT_ID}, else the
 * current Databricks identity), {@code LAKEBASE_ENDPOINT}, {@code LAKEBASE_PROJECT},
 * {@code PGSSLMODE} ({@code verify-full}), {@code PGSSLROOTCERT} (the JVM trust store when
 * unset), {@code LAKEBASE_ALLOW_UNVERIFIED_TLS}; see {@link LakebaseSettings#all()} for the rest.
 */
public final class LakebaseConfig {

  private final Map<Setting<?>, Object> values;

  private LakebaseConfig(Map<Setting<?>, Object> values) {
    this.values = Map.copyOf(values);
  }

  /** A builder with the defaults and nothing read from the environment. */
  public static Builder builder() {
    return new Builder(new HashMap<>());
  }

  /** Settings from the process environment; see {@link LakebaseSettings} for the variables. */
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
    for (Setting<?> setting : LakebaseSettings.all()) {
      read(b, setting, env);
    }
    return b.build();
  }

  private static <T> void read(Builder b, Setting<T> setting, Map<String, String> env) {
    for (String variable : setting.environmentVariables()) {
      String text = env.get(variable);
      if (text != null && !text.isBlank()) {
        T value;
        try {
          value = setting.parse(variable, text);
        } catch (LakebaseConfigException e) {
          if (setting == JDBC_PROPERTIES) {
            throw invalidJdbcProperties(variable, LakebaseSettings.jdbcPropertiesProblem(text));
          }
          throw e;
        }
        b.values.put(setting, value);
        b.sources.put(setting, variable);
        return;
      }
    }
  }

  /**
   * Setting's own message repeats the value, and a JDBC property value can be a password: this one
   * names the variable and the property key only.
   */
  private static LakebaseConfigException invalidJdbcProperties(String source, String problem) {
    return new LakebaseConfigException(source, source + " is not valid: " + problem + ". Set "
        + source + " to " + JDBC_PROPERTIES.expectation() + ", or unset it.");
  }

  /** The value of a setting, or {@code null} when it is unset and has no default. */
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Setting<T> setting) {
    Object v = values.get(setting);
    return v != null ? (T) v : setting.defaultValue();
  }

  /**
   * Whether a setting was given a value, from the environment or in code, rather than falling
   * back to its default. {@link Lakebase} uses it for {@code PGDATABASE}: a set value wins over
   * the database a branch handle declares, the default ({@code databricks_postgres}) does not.
   *
   * @param setting a setting of {@link LakebaseSettings}
   * @return {@code true} if set, even to a value equal to the default
   */
  public boolean isSet(Setting<?> setting) {
    return values.containsKey(setting);
  }

  private <T> T require(Setting<T> setting) {
    return Objects.requireNonNull(get(setting), setting.name());
  }

  /** A builder holding these settings, to override some in code. */
  public Builder toBuilder() {
    return new Builder(new HashMap<>(values));
  }

  /** Endpoint host, or {@code null} to look it up from the endpoint through the Databricks API. */
  public @Nullable String host() {
    return get(HOST);
  }

  /** PostgreSQL port ({@code PGPORT}, default 5432). */
  public int port() {
    return require(PORT);
  }

  /**
   * Database name ({@code PGDATABASE}, default {@code databricks_postgres}). For contexts from
   * branch handles, {@link Lakebase} uses the handle's declared database unless this is
   * {@linkplain #isSet(Setting) set}.
   */
  public String database() {
    return require(DATABASE);
  }

  /** PostgreSQL role, or {@code null} for the current Databricks identity. */
  public @Nullable String user() {
    return get(USER);
  }

  /** Endpoint resource path, or {@code null} when endpoints come from branch handles. */
  public @Nullable String endpoint() {
    return get(ENDPOINT);
  }

  /** PostgreSQL {@code sslmode} ({@code PGSSLMODE}, default {@code verify-full}). */
  public String sslMode() {
    return require(SSL_MODE);
  }

  /** PEM CA file ({@code PGSSLROOTCERT}), or {@code null} for the JVM trust store. */
  public @Nullable Path sslRootCert() {
    return get(SSL_ROOT_CERT);
  }

  /** Project id that replaces the one in branch handles, or {@code null}. */
  public @Nullable String projectOverride() {
    return get(PROJECT);
  }

  /** Connections the pool keeps open when idle (default 0). */
  public int minSize() {
    return require(MIN_SIZE);
  }

  /** Most connections the pool opens (default 10). */
  public int maxSize() {
    return require(MAX_SIZE);
  }

  /** Budget of one {@code getConnection()} (default 30 s). */
  public Duration acquisitionTimeout() {
    return require(ACQUISITION_TIMEOUT);
  }

  /**
   * Whether creating a {@link LakebasePool} opens its first connection within the acquisition
   * timeout and fails if it cannot (default {@code true}); see {@link
   * LakebasePool#create(LakebaseConfig, com.databricks.sdk.WorkspaceClient)}.
   */
  public boolean failFast() {
    return require(FAIL_FAST);
  }

  /** Callers allowed to wait at once before the next fails fast (default 100). */
  public int maxWaiting() {
    return require(MAX_WAITING);
  }

  /**
   * Age at which a physical connection is replaced (default 3600 s); each connection is replaced
   * at its own age between nine tenths of this and this, so connections opened together are not
   * replaced together.
   */
  public Duration maxLifetime() {
    return require(MAX_LIFETIME);
  }

  /** Idle time after which a connection above {@code minSize} is closed (default 600 s). */
  public Duration maxIdle() {
    return require(MAX_IDLE);
  }

  /** Idle time after which a connection is validated before it is lent (default 30 s). */
  public Duration idleValidation() {
    return require(IDLE_VALIDATION);
  }

  /** Cached credentials or one per physical connection (default {@link CredentialMode#CACHED}). */
  public CredentialMode credentialMode() {
    return require(CREDENTIAL_MODE);
  }

  /** Remaining validity at which a cached credential is refreshed (default 5 min). */
  public Duration refreshMargin() {
    return require(REFRESH_MARGIN);
  }

  /** Connect and read timeout of one Databricks API call (default 10 s). */
  public Duration apiTimeout() {
    return require(API_TIMEOUT);
  }

  /** Attempts per Databricks API request, the first included (default 4). */
  public int apiAttempts() {
    return require(API_ATTEMPTS);
  }

  /** First retry delay, doubled per attempt with jitter (default 200 ms). */
  public Duration apiBackoff() {
    return require(API_BACKOFF);
  }

  /** Whether Agroal metrics are on (default {@code true}). */
  public boolean poolMetrics() {
    return require(POOL_METRICS);
  }

  /** The endpoint path, or an exception naming {@code LAKEBASE_ENDPOINT}. */
  String requireEndpoint() {
    String endpoint = endpoint();
    if (endpoint == null) {
      throw new LakebaseConfigException("LAKEBASE_ENDPOINT", "LAKEBASE_ENDPOINT is not set. Set it"
          + " to the endpoint to connect to, e.g. projects/my-project/branches/dev/endpoints/primary,"
          + " or use Lakebase with a generated Branches handle.");
    }
    return endpoint;
  }

  /** Every setting that differs from its default; no setting holds a secret. */
  @Override
  public String toString() {
    Map<String, Object> shown = new LinkedHashMap<>();
    for (Setting<?> s : LakebaseSettings.all()) {
      Object v = values.get(s);
      if (v != null && !v.equals(s.defaultValue())) {
        shown.put(s.name(), v);
      }
    }
    return "LakebaseConfig" + shown;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LakebaseConfig c && c.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Builds a {@link LakebaseConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private final Map<Setting<?>, Object> values;
    /** Where a value came from (an environment variable), for error messages. */
    private final Map<Setting<?>, String> sources = new HashMap<>();

    private Builder(Map<Setting<?>, Object> values) {
      this.values = values;
    }

    /** Sets any setting of {@link LakebaseSettings}; {@code null} restores its default. */
    public <T> Builder set(Setting<T> setting, @Nullable T value) {
      if (value == null) {
        values.remove(setting);
      } else {
        values.put(setting, value);
      }
      sources.remove(setting);
      return this;
    }

    /** Endpoint host; unset to look it up from the endpoint through the Databricks API. */
    public Builder host(@Nullable String host) {
      return set(HOST, host);
    }

    /** PostgreSQL port; 5432 by default. */
    public Builder port(int port) {
      return set(PORT, port);
    }

    /** Database name; {@code databricks_postgres} by default. */
    public Builder database(String database) {
      return set(DATABASE, Objects.requireNonNull(database, "database"));
    }

    /** PostgreSQL role; unset for the current Databricks identity. */
    public Builder user(@Nullable String user) {
      return set(USER, user);
    }

    /** Endpoint resource path {@code projects/P/branches/B/endpoints/E}. */
    public Builder endpoint(@Nullable String endpoint) {
      return set(ENDPOINT, endpoint);
    }

    /** PostgreSQL {@code sslmode}; {@code verify-full} by default. */
    public Builder sslMode(String sslMode) {
      return set(SSL_MODE, Objects.requireNonNull(sslMode, "sslMode"));
    }

    /** A PEM file of CA certificates to verify the server with, instead of the JVM trust store. */
    public Builder sslRootCert(@Nullable Path pemFile) {
      return set(SSL_ROOT_CERT, pemFile);
    }

    /**
     * Allows {@code sslMode} {@code disable}, {@code allow}, {@code prefer} or {@code require}
     * (none of which checks the server's certificate) for hosts that are not loopback. Off by
     * default: the password LakeForge sends is a workspace OAuth token.
     */
    public Builder allowUnverifiedTls(boolean allow) {
      return set(ALLOW_UNVERIFIED_TLS, allow);
    }

    /** Project id that replaces the one compiled into branch handles. */
    public Builder projectOverride(@Nullable String projectId) {
      return set(PROJECT, projectId);
    }

    /** Connections kept open when idle; 0 by default. */
    public Builder minSize(int minSize) {
      return set(MIN_SIZE, minSize);
    }

    /** Most connections the pool opens; 10 by default. */
    public Builder maxSize(int maxSize) {
      return set(MAX_SIZE, maxSize);
    }

    /** Budget of one {@code getConnection()}, credential fetch, login and validation included. */
    public Builder acquisitionTimeout(Duration timeout) {
      return set(ACQUISITION_TIMEOUT, Objects.requireNonNull(timeout, "acquisitionTimeout"));
    }

    /**
     * {@code true} (the default): creating a pool opens its first connection within the
     * acquisition timeout and throws if it cannot; {@code false}: creating it does not wait for
     * a credential, and the first {@code getConnection()} reports a failure.
     */
    public Builder failFast(boolean failFast) {
      return set(FAIL_FAST, failFast);
    }

    /** Callers allowed to wait at once; one more fails at once with {@link PoolExhaustedException}. */
    public Builder maxWaiting(int maxWaiting) {
      return set(MAX_WAITING, maxWaiting);
    }

    /** A physical connection is closed and replaced after this long. */
    public Builder maxLifetime(Duration maxLifetime) {
      return set(MAX_LIFETIME, Objects.requireNonNull(maxLifetime, "maxLifetime"));
    }

    /** An idle physical connection above {@code minSize} is closed after this long. */
    public Builder maxIdle(Duration maxIdle) {
      return set(MAX_IDLE, Objects.requireNonNull(maxIdle, "maxIdle"));
    }

    /** A connection idle for longer than this is validated before it is lent out. */
    public Builder idleValidation(Duration idleValidation) {
      return set(IDLE_VALIDATION, Objects.requireNonNull(idleValidation, "idleValidation"));
    }

    /** Cached credentials (default) or one per physical connection. */
    public Builder credentialMode(CredentialMode mode) {
      return set(CREDENTIAL_MODE, Objects.requireNonNull(mode, "credentialMode"));
    }

    /** A cached credential is refreshed once less than this much of its validity remains. */
    public Builder refreshMargin(Duration margin) {
      return set(REFRESH_MARGIN, Objects.requireNonNull(margin, "refreshMargin"));
    }

    /** Connect and read timeout of one Databricks API call. */
    public Builder apiTimeout(Duration timeout) {
      return set(API_TIMEOUT, Objects.requireNonNull(timeout, "apiTimeout"));
    }

    /** Attempts per Databricks API request (first try included) on 429, 5xx and timeouts. */
    public Builder apiAttempts(int attempts) {
      return set(API_ATTEMPTS, attempts);
    }

    /** First retry delay; doubles per attempt, with full jitter. */
    public Builder apiBackoff(Duration backoff) {
      return set(API_BACKOFF, Objects.requireNonNull(backoff, "apiBackoff"));
    }

    /**
     * Agroal metrics behind {@link LakebasePoolStats#active()}, {@code idle()} and
     * {@code waiting()}; on by default. With them off, {@code maxWaiting} is enforced on callers
     * inside {@code getConnection()}, so up to {@code maxWaiting + maxSize} may wait.
     */
    public Builder poolMetrics(boolean enabled) {
      return set(POOL_METRICS, enabled);
    }

    /**
     * Checks and freezes the settings.
     *
     * @throws LakebaseConfigException naming the property (or variable) at fault
     */
    public LakebaseConfig build() {
      for (Setting<?> s : LakebaseSettings.all()) {
        check(s);
      }
      LakebaseConfig config = new LakebaseConfig(values);
      if (config.minSize() > config.maxSize()) {
        throw new LakebaseConfigException(MIN_SIZE.name(), "minSize " + config.minSize()
            + " must be between 0 and maxSize (" + config.maxSize() + ").");
      }
      return config;
    }

    @SuppressWarnings("unchecked")
    private <T> void check(Setting<T> s) {
      String source = sources.getOrDefault(s, s.name());
      try {
        s.check(source, (T) values.get(s));
      } catch (LakebaseConfigException e) {
        if (s == JDBC_PROPERTIES) {
          throw invalidJdbcProperties(source,
              LakebaseSettings.jdbcPropertiesProblem((Map<String, String>) values.get(s)));
        }
        throw e;
      }
    }
  }
}
