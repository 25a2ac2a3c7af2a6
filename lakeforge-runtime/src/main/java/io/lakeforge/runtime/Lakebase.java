package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.DatabaseRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
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
 * endpoint share one credential cache, and every pool of the process built on the same {@code
 * WorkspaceClient} shares one OAuth token. Pools of read-only endpoints hand out read-only
 * connections. A pool with no connection open and no caller for {@code poolIdleRelease} is closed
 * by the process's one housekeeping thread, and {@link #release} closes a branch's pools at once;
 * the contexts handed out keep working (their next query opens the pool again), so threads grow
 * with the branches in use, not with the branches opened. {@link #close()} closes them all,
 * including one whose creation is still under way when {@code close()} runs. Port, user, TLS and pool settings come from the
 * {@link LakebaseConfig}; {@code LAKEBASE_PROJECT} replaces the project id compiled into the
 * handles.
 */
public final class Lakebase implements AutoCloseable {

  private final LakebaseConfig config;
  private final WorkspaceClient client;
  private final DatabricksCalls lookups;
  /** By endpoint path and database, as shown by {@link #stats()}. */
  private final Map<String, CompletableFuture<LakebasePool>> pools = new ConcurrentHashMap<>();
  /** The contexts handed out, by the same key: they outlive a release of their pool. */
  private final Map<String, Context> contexts = new ConcurrentHashMap<>();
  /** Keys of pools handed out by {@link #pool}: their callers hold them, so no idle release. */
  private final Set<String> pinned = ConcurrentHashMap.newKeySet();
  /** Since when each open pool was seen unused; touched by the housekeeping thread only. */
  private final Map<String, Long> unusedSince = new HashMap<>();
  private final long idleReleaseNanos;
  private final @Nullable ScheduledFuture<?> sweeper;
  /** Guards the user lookup only: close() and checkOpen() never wait for a network call. */
  private final Object userLock = new Object();
  private @Nullable String user;
  /** Written under {@code this}; read without a lock, so no caller waits for another's work. */
  private volatile boolean closed;

  private Lakebase(LakebaseConfig config, WorkspaceClient client) {
    this.config = config;
    this.client = client;
    this.lookups = new DatabricksCalls(client, config, Clock.systemUTC());
    Duration idleRelease = config.get(LakebaseSettings.POOL_IDLE_RELEASE);
    this.idleReleaseNanos = idleRelease.toNanos();
    this.sweeper = idleRelease.isZero() ? null : Housekeeping.every(
        max(idleRelease.dividedBy(2), MIN_SWEEP), "Lakebase", this::releaseIdlePools);
  }

  private static final Duration MIN_SWEEP = Duration.ofMillis(10);

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
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
    return context(where(branch, EndpointKind.READ_ONLY, defaultDatabase(branch)));
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
    Objects.requireNonNull(database, "database");
    return context(where(branch, EndpointKind.READ_ONLY, database.postgresNameOn(branch)));
  }

  /**
   * A jOOQ context for the branch's read-write endpoint ({@code primary}), on the default
   * database (see the class comment).
   */
  public DSLContext readWrite(BranchRef branch) {
    return context(where(branch, EndpointKind.READ_WRITE, defaultDatabase(branch)));
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
    Objects.requireNonNull(database, "database");
    return context(where(branch, EndpointKind.READ_WRITE, database.postgresNameOn(branch)));
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
    return pinned(where(branch, kind, defaultDatabase(branch)));
  }

  /**
   * The database {@link #readWrite(BranchRef)}, {@link #readOnly(BranchRef)} and {@link
   * #pool(BranchRef, EndpointKind)} connect to for {@code branch}: {@code PGDATABASE} when set,
   * else the branch's declared database, else {@code databricks_postgres}. No Databricks call.
   */
  public String database(BranchRef branch) {
    return defaultDatabase(branch);
  }

  private String defaultDatabase(BranchRef branch) {
    return config.isSet(LakebaseSettings.DATABASE) || !branch.hasDatabase()
        ? config.database()
        : branch.database();
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
    return pinned(where(branch, kind, database.postgresNameOn(branch)));
  }

  /** Where a context or pool connects: endpoint path, database, and the key of both maps. */
  private record Where(String key, String endpoint, EndpointKind kind, String database) {}

  private Where where(BranchRef branch, EndpointKind kind, String database) {
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
    return new Where(endpoint + "?database=" + database, endpoint, kind, database);
  }

  private LakebasePool pinned(Where where) {
    LakebasePool pool = pool(where);
    pinned.add(where.key());
    return pool;
  }

  /** The context of one endpoint and database; its pool is opened now (and again after a release). */
  private DSLContext context(Where where) {
    pool(where);
    return contexts.computeIfAbsent(where.key(), k -> new Context(where)).dsl;
  }

  /**
   * The open pool for {@code where}, created on first use and again after its release or close:
   * a caller that finds it being created by another thread waits for it (bounded by the API calls
   * of that creation).
   */
  private LakebasePool pool(Where where) {
    while (true) {
      checkOpen();
      CompletableFuture<LakebasePool> existing = pools.get(where.key());
      if (existing == null) {
        CompletableFuture<LakebasePool> mine = new CompletableFuture<>();
        existing = pools.putIfAbsent(where.key(), mine);
        if (existing == null) {
          return create(where.key(), where.endpoint(), where.kind(), where.database(), mine);
        }
      }
      LakebasePool pool;
      try {
        pool = existing.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw e;
      }
      if (!pool.isClosed()) {
        return pool;
      }
      // Closed by its holder or released: the next use opens a new one.
      pools.remove(where.key(), existing);
    }
  }

  /**
   * A jOOQ connection provider over whichever pool is open for its endpoint and database, so a
   * context handed out keeps working after its pool was released (the next query opens a new
   * one). Counts its borrowed connections, so an idle release never takes a pool in use.
   */
  private final class Context implements ConnectionProvider {
    private final Where where;
    private final AtomicInteger borrowed = new AtomicInteger();
    private final DSLContext dsl;

    Context(Where where) {
      this.where = where;
      this.dsl = DSL.using(this, SQLDialect.POSTGRES, LakebasePool.jooqSettings());
    }

    @Override
    public Connection acquire() {
      borrowed.incrementAndGet();
      try {
        for (boolean retried = false; ; retried = true) {
          LakebasePool pool = pool(where);
          try {
            return pool.getConnection();
          } catch (SQLException e) {
            // Released between the lookup and the borrow: once more, on the pool opened anew.
            if (retried || !pool.isClosed() || isClosed()) {
              throw new DataAccessException("Error getting connection from data source " + pool, e);
            }
          }
        }
      } catch (RuntimeException | Error e) {
        borrowed.decrementAndGet();
        throw e;
      }
    }

    @Override
    public void release(Connection connection) {
      try {
        connection.close();
      } catch (SQLException e) {
        throw new DataAccessException("Error closing connection " + connection, e);
      } finally {
        borrowed.decrementAndGet();
      }
    }

    boolean inUse() {
      return borrowed.get() > 0;
    }
  }

  /**
   * Closes the pools of every endpoint and database of {@code branch} (with {@link
   * LakebasePool#close()}'s semantics: borrowed connections are closed after {@code closeGrace})
   * and releases their threads and credentials. The branch stays usable: contexts from {@link
   * #readWrite}/{@link #readOnly} open a new pool on their next query, as does the next
   * {@link #pool} call; a {@link LakebasePool} obtained before stays closed.
   *
   * @return the number of pools closed
   * @throws LakebaseClosedException after {@link #close()}
   */
  public int release(BranchRef branch) {
    checkOpen();
    BranchRef ref = config.projectOverride() == null
        ? branch
        : branch.withProjectId(config.projectOverride());
    List<String> prefixes = ref.hasReadOnlyEndpoint()
        ? List.of(ref.readWriteEndpointPath() + "?database=",
            ref.readOnlyEndpointPath() + "?database=")
        : List.of(ref.readWriteEndpointPath() + "?database=");
    int released = 0;
    for (Map.Entry<String, CompletableFuture<LakebasePool>> e : pools.entrySet()) {
      String key = e.getKey();
      if (prefixes.stream().anyMatch(key::startsWith) && pools.remove(key, e.getValue())) {
        pinned.remove(key);
        // A pool still being created is closed as soon as it exists.
        e.getValue().thenAccept(LakebasePool::close);
        released++;
      }
    }
    return released;
  }

  /**
   * The housekeeping chore: closes pools that stayed unused (no connection open, nobody
   * borrowing or waiting) for {@code poolIdleRelease}, except pools handed out by {@link #pool}.
   */
  private void releaseIdlePools() {
    long now = System.nanoTime();
    unusedSince.keySet().retainAll(pools.keySet());
    for (Map.Entry<String, CompletableFuture<LakebasePool>> e : pools.entrySet()) {
      String key = e.getKey();
      CompletableFuture<LakebasePool> f = e.getValue();
      if (isClosed() || !f.isDone() || f.isCompletedExceptionally() || pinned.contains(key)) {
        continue;
      }
      LakebasePool pool = f.join();
      Context context = contexts.get(key);
      if ((context != null && context.inUse()) || !pool.isUnused()) {
        unusedSince.remove(key);
        continue;
      }
      Long since = unusedSince.putIfAbsent(key, now);
      if (since != null && now - since >= idleReleaseNanos && pools.remove(key, f)) {
        unusedSince.remove(key);
        pool.close();
      }
    }
  }

  /** Creates a pool with network calls outside any map lock; a close() meanwhile wins. */
  private LakebasePool create(String key, String endpoint, EndpointKind kind, String database,
      CompletableFuture<LakebasePool> slot) {
    LakebasePool pool = null;
    try {
      LakebaseConfig endpointConfig = config.toBuilder().endpoint(endpoint).database(database)
          .set(LakebaseSettings.READ_ONLY, kind == EndpointKind.READ_ONLY).build();
      // The lookups end within the caller's budget; the first credential is left to the caller's
      // own borrow, which waits for it within its budget.
      long deadline = System.nanoTime() + endpointConfig.acquisitionTimeout().toNanos();
      Target target = Target.resolve(endpointConfig, client, lookups, endpoint,
          () -> user(deadline), deadline);
      pool = LakebasePool.start(endpointConfig, client, target);
      synchronized (this) {
        if (closed) {
          throw closedException();
        }
        slot.complete(pool);
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
  private String user(long deadline) {
    synchronized (userLock) {
      if (user == null) {
        user = lookups.currentUser(deadline);
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
    if (sweeper != null) {
      sweeper.cancel(false);
    }
    lookups.close();
    contexts.clear();
    pinned.clear();
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
