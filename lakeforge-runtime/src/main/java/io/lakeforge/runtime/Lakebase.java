package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.DatabaseRef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * <p><b>Database.</b> A context connects to, in this order: the {@link DatabaseRef} passed in;
 * else {@code PGDATABASE} when it is set (environment or {@link LakebaseConfig.Builder#database});
 * else the database the topology declares on the branch ({@link BranchRef#database()}); else
 * {@code databricks_postgres}. The user is the configured one, else the identity the Databricks
 * client authenticates as, which is the Postgres role a declared {@code @Role} creates.
 *
 * <p>Hosts are read from the Databricks API ({@code getEndpoint}, LakeForge's own HTTP client,
 * {@code apiTimeout} per attempt) once per endpoint. One {@link LakebasePool} per endpoint and
 * database is created on first use, outside any lock that other pools need; pools of the same
 * endpoint share one credential cache. Pools of read-only endpoints hand out read-only
 * connections. {@link #close()} closes them all, including one whose creation is still under way
 * when {@code close()} runs. Port, user, TLS and pool settings come from the
 * {@link LakebaseConfig}; {@code LAKEBASE_PROJECT} replaces the project id compiled into the
 * handles.
 */
public final class Lakebase implements AutoCloseable {

  private final LakebaseConfig config;
  private final WorkspaceClient client;
  private final DatabricksCalls lookups;
  /** By endpoint path and database, as shown by {@link #stats()}. */
  private final Map<String, CompletableFuture<LakebasePool>> pools = new ConcurrentHashMap<>();
  /** Guards the user lookup only: close() and checkOpen() never wait for a network call. */
  private final Object userLock = new Object();
  private @Nullable String user;
  /** Written under {@code this}; read without a lock, so no caller waits for another's work. */
  private volatile boolean closed;

  private Lakebase(LakebaseConfig config, WorkspaceClient client) {
    this.config = config;
    this.client = client;
    this.lookups = new DatabricksCalls(client, config, Clock.systemUTC());
  }

  /** From the environment, authenticating with the SDK's default chain. */
  public static Lakebase fromEnvironment() {
    return create(LakebaseConfig.fromEnvironment(), defaultClient());
  }

  /** With explicit settings and Databricks client. */
  public static Lakebase create(LakebaseConfig config, WorkspaceClient client) {
    return new Lakebase(config, client);
  }

  /**
   * A jOOQ context for the branch's read-only endpoint, on the default database (see the class
   * comment).
   */
  public DSLContext readOnly(BranchRef branch) {
    return pool(branch, EndpointKind.READ_ONLY).dsl();
  }

  /**
   * A jOOQ context for one database on the branch's read-only endpoint.
   *
   * @param branch the branch handle
   * @param database a database declared on {@code branch}; wins over {@code PGDATABASE}
   * @throws IllegalArgumentException if {@code database} is not declared on {@code branch},
   *     before any Databricks call
   */
  public DSLContext readOnly(BranchRef branch, DatabaseRef database) {
    return pool(branch, EndpointKind.READ_ONLY, database).dsl();
  }

  /**
   * A jOOQ context for the branch's read-write endpoint ({@code primary}), on the default
   * database (see the class comment).
   */
  public DSLContext readWrite(BranchRef branch) {
    return pool(branch, EndpointKind.READ_WRITE).dsl();
  }

  /**
   * A jOOQ context for one database on the branch's read-write endpoint ({@code primary}).
   *
   * @param branch the branch handle
   * @param database a database declared on {@code branch}; wins over {@code PGDATABASE}
   * @throws IllegalArgumentException if {@code database} is not declared on {@code branch},
   *     before any Databricks call
   */
  public DSLContext readWrite(BranchRef branch, DatabaseRef database) {
    return pool(branch, EndpointKind.READ_WRITE, database).dsl();
  }

  /**
   * The pool of one endpoint of the branch on the default database: {@code PGDATABASE} when set,
   * else the branch's declared database, else {@code databricks_postgres}. Created on first use;
   * a caller that finds the pool being created by another thread waits for it (bounded by the API
   * calls of that creation).
   *
   * @throws LakebaseClosedException after {@link #close()}, also when it ran during the creation
   */
  public LakebasePool pool(BranchRef branch, EndpointKind kind) {
    String database = config.isSet(LakebaseSettings.DATABASE) || !branch.hasDatabase()
        ? config.database()
        : branch.database();
    return pool(branch, kind, database);
  }

  /**
   * The pool of one endpoint of the branch on one declared database, created on first use; the
   * database wins over {@code PGDATABASE}. Pools of the same endpoint share its credential cache.
   *
   * @param branch the branch handle
   * @param kind which endpoint of the branch
   * @param database a database declared on {@code branch}
   * @throws IllegalArgumentException if {@code database} is not declared on {@code branch},
   *     before any Databricks call
   * @throws LakebaseClosedException after {@link #close()}, also when it ran during the creation
   */
  public LakebasePool pool(BranchRef branch, EndpointKind kind, DatabaseRef database) {
    Objects.requireNonNull(database, "database");
    return pool(branch, kind, database.postgresNameOn(branch));
  }

  private LakebasePool pool(BranchRef branch, EndpointKind kind, String database) {
    checkOpen();
    BranchRef ref = config.projectOverride() == null
        ? branch
        : branch.withProjectId(config.projectOverride());
    String endpoint = kind == EndpointKind.READ_WRITE
        ? ref.readWriteEndpointPath()
        : ref.readOnlyEndpointPath();
    if (!LakebaseSettings.isEndpointPath(endpoint)) {
      throw new LakebaseConfigException("endpoint", "\"" + endpoint + "\" is not an endpoint path."
          + " Check the branch handle: ids may hold letters, digits, '-', '_', '.' and '~'.");
    }
    String key = endpoint + "?database=" + database;
    CompletableFuture<LakebasePool> existing = pools.get(key);
    if (existing == null) {
      CompletableFuture<LakebasePool> mine = new CompletableFuture<>();
      existing = pools.putIfAbsent(key, mine);
      if (existing == null) {
        return create(key, endpoint, kind, database, mine);
      }
    }
    try {
      return existing.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Creates a pool with network calls outside any map lock; a close() meanwhile wins. */
  private LakebasePool create(String key, String endpoint, EndpointKind kind, String database,
      CompletableFuture<LakebasePool> slot) {
    LakebasePool pool = null;
    try {
      LakebaseConfig endpointConfig = config.toBuilder().endpoint(endpoint).database(database)
          .set(LakebaseSettings.READ_ONLY, kind == EndpointKind.READ_ONLY).build();
      Target target = Target.resolve(endpointConfig, client, lookups, endpoint, this::user);
      pool = LakebasePool.start(endpointConfig, client, target);
      synchronized (this) {
        if (closed) {
          throw closedException();
        }
        // Published before the first credential arrives: a close() from now on closes this
        // pool, which ends the wait below at once instead of after the acquisition timeout.
        slot.complete(pool);
      }
      pool.awaitFirstCredential();
      if (isClosed()) {
        throw closedException();
      }
      return pool;
    } catch (RuntimeException | Error e) {
      if (pool != null) {
        pool.close();
      }
      pools.remove(key, slot);
      RuntimeException failure = isClosed() && !(e instanceof LakebaseClosedException)
          ? closedException()
          : null;
      slot.completeExceptionally(failure != null ? failure : e);
      if (failure != null) {
        throw failure;
      }
      throw e;
    }
  }

  /**
   * The current identity, looked up once. The lookup holds only its own lock: close() aborts it
   * (it then fails as closed) without waiting for it.
   */
  private String user() {
    synchronized (userLock) {
      if (user == null) {
        user = lookups.currentUser();
      }
      return user;
    }
  }

  private boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (isClosed()) {
      throw closedException();
    }
  }

  private static LakebaseClosedException closedException() {
    return new LakebaseClosedException("Lakebase is closed; create a new one.");
  }

  /**
   * Statistics of every pool opened so far, by endpoint path and database, e.g.
   * {@code projects/p/branches/dev/endpoints/primary?database=orders}.
   */
  public Map<String, LakebasePoolStats> stats() {
    Map<String, LakebasePoolStats> stats = new LinkedHashMap<>();
    pools.forEach((endpoint, pool) -> {
      if (pool.isDone() && !pool.isCompletedExceptionally()) {
        stats.put(endpoint, pool.join().stats());
      }
    });
    return stats;
  }

  /**
   * Closes every pool, and any pool whose creation is under way as soon as it exists; aborts
   * lookups in flight. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    lookups.close();
    List<CompletableFuture<LakebasePool>> open = new ArrayList<>(pools.values());
    pools.clear();
    for (CompletableFuture<LakebasePool> f : open) {
      // A pool still being created is closed by its creator, which sees `closed` under the lock.
      if (f.isDone() && !f.isCompletedExceptionally()) {
        f.join().close();
      }
    }
  }

  /**
   * A client from the SDK's default authentication chain (environment, profile, OIDC), with a
   * message that says what to set when it is not configured.
   *
   * @throws LakebaseConfigException naming {@code DATABRICKS_HOST} when authentication is missing
   */
  public static WorkspaceClient defaultClient() {
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
