package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.internal.DatabricksCalls;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Per-branch access for applications: give it a generated {@code Branches} handle, get a jOOQ
 * context for the branch's read-write or read-only endpoint.
 *
 * <pre>{@code
 * try (Lakebase lakebase = Lakebase.fromEnvironment()) {
 *   DSLContext dev = lakebase.readOnly(Branches.DEV);
 *   String me = dev.fetchValue("select current_user", String.class);
 * }
 * }</pre>
 *
 * <p>Hosts are read from the Databricks API ({@code getEndpoint}) once per endpoint and cached.
 * One {@link LakebasePool} per endpoint is created on first use; {@link #close()} closes them
 * all. Port, database, user, SSL mode and pool settings come from the {@link LakebaseConfig};
 * {@code LAKEBASE_PROJECT} replaces the project id compiled into the handles.
 */
public final class Lakebase implements AutoCloseable {

  private final LakebaseConfig config;
  private final DatabricksCalls calls;
  private final Map<String, LakebasePool> pools = new ConcurrentHashMap<>();
  private volatile @Nullable String user;
  private volatile boolean closed;

  private Lakebase(LakebaseConfig config, DatabricksCalls calls) {
    this.config = config;
    this.calls = calls;
  }

  /** From the environment, authenticating with the SDK's default chain. */
  public static Lakebase fromEnvironment() {
    return create(LakebaseConfig.fromEnvironment(), defaultClient());
  }

  /** With explicit settings and Databricks client. */
  public static Lakebase create(LakebaseConfig config, WorkspaceClient client) {
    return new Lakebase(config, calls(config, client));
  }

  /** A jOOQ context for the branch's read-only endpoint. */
  public DSLContext readOnly(BranchRef branch) {
    return pool(branch, EndpointKind.READ_ONLY).dsl();
  }

  /** A jOOQ context for the branch's read-write endpoint ({@code primary}). */
  public DSLContext readWrite(BranchRef branch) {
    return pool(branch, EndpointKind.READ_WRITE).dsl();
  }

  /** The pool of one endpoint of the branch, created on first use. */
  public LakebasePool pool(BranchRef branch, EndpointKind kind) {
    if (closed) {
      throw new IllegalStateException("Lakebase is closed; create a new one.");
    }
    BranchRef ref = config.projectOverride() == null
        ? branch
        : branch.withProjectId(config.projectOverride());
    String endpoint = kind == EndpointKind.READ_WRITE
        ? ref.readWriteEndpointPath()
        : ref.readOnlyEndpointPath();
    LakebaseConfig.checkEndpoint("endpoint", endpoint);
    return pools.computeIfAbsent(endpoint, this::open);
  }

  private LakebasePool open(String endpoint) {
    String host = calls.host(endpoint);
    LakebaseConfig endpointConfig = config.toBuilder().endpoint(endpoint).host(host).build();
    return new LakebasePool(LakebasePool.poolName(endpoint), endpointConfig, endpoint, host,
        user(), calls, false);
  }

  private String user() {
    String u = user;
    if (u == null) {
      u = user(config, calls);
      user = u;
    }
    return u;
  }

  /** Statistics of every pool opened so far, by endpoint path. */
  public Map<String, LakebasePoolStats> stats() {
    Map<String, LakebasePoolStats> stats = new LinkedHashMap<>();
    pools.forEach((endpoint, pool) -> stats.put(endpoint, pool.stats()));
    return stats;
  }

  /** Closes every pool. */
  @Override
  public void close() {
    closed = true;
    List<LakebasePool> open = new ArrayList<>(pools.values());
    pools.clear();
    open.forEach(LakebasePool::close);
    calls.close();
  }

  /** The configured host, else the endpoint's host from the Databricks API. */
  static String host(LakebaseConfig config, DatabricksCalls calls, String endpoint) {
    return config.host() != null ? config.host() : calls.host(endpoint);
  }

  /** The configured user, else the current Databricks identity. */
  static String user(LakebaseConfig config, DatabricksCalls calls) {
    return config.user() != null ? config.user() : calls.currentUser();
  }

  static DatabricksCalls calls(LakebaseConfig config, WorkspaceClient client) {
    return new DatabricksCalls(client, config.apiTimeout(), config.apiAttempts(),
        config.apiBackoff(), Clock.systemUTC());
  }

  /** The SDK's default authentication chain, with a message that says what to set. */
  static WorkspaceClient defaultClient() {
    DatabricksConfig config;
    try {
      config = new DatabricksConfig().resolve();
    } catch (DatabricksException e) {
      throw new LakebaseConfigException("DATABRICKS_HOST", "Databricks authentication is not"
          + " configured (" + e.getMessage() + "). Set DATABRICKS_HOST and one of:"
          + " DATABRICKS_CLIENT_ID with DATABRICKS_CLIENT_SECRET (OAuth M2M),"
          + " DATABRICKS_AUTH_TYPE=github-oidc with DATABRICKS_CLIENT_ID (GitHub Actions),"
          + " DATABRICKS_TOKEN, or DATABRICKS_CONFIG_PROFILE.");
    }
    if (config.getHost() == null || config.getHost().isBlank()) {
      throw new LakebaseConfigException("DATABRICKS_HOST", "DATABRICKS_HOST is not set. Set it to"
          + " the workspace URL, e.g. https://my-workspace.cloud.databricks.com, or set"
          + " DATABRICKS_CONFIG_PROFILE to a profile that has one.");
    }
    return new WorkspaceClient(config);
  }
}
