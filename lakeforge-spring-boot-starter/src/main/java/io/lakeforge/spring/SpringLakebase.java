package io.lakeforge.spring;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.DatabaseRef;
import io.lakeforge.runtime.EndpointKind;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.runtime.LakebaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.ExecuteListenerProvider;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.tools.jdbc.DefaultConnection;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.jooq.autoconfigure.SpringTransactionProvider;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Branch contexts that take part in Spring transactions: inject this bean instead of {@link
 * Lakebase}, whose own contexts borrow a connection per query and ignore {@code @Transactional}.
 * The same calls ({@code springLakebase.readWrite(Branches.DEV)}), the same database rule and
 * settings as {@link Lakebase}; each context is built once per endpoint and database and then
 * returned again.
 *
 * <p><b>The application's branch joins the application's transactions.</b> A context whose
 * endpoint and database are those of the starter's {@code DataSource} (the read-write endpoint of
 * {@code lakeforge.endpoint}, on the database the starter's rule gives that DataSource) runs on
 * that DataSource, as Boot's own {@code DSLContext} does: through a {@link
 * TransactionAwareDataSourceProxy}, with a {@link SpringTransactionProvider} over the
 * application's transaction manager. Inside {@code @Transactional} or a {@code
 * TransactionTemplate} it uses the transaction's connection, so its writes commit or roll back
 * with everything else the transaction does (JdbcTemplate, Boot's DSLContext, Flyway-created
 * tables alike); outside a transaction each query borrows a connection and commits on its own.
 * No second pool is opened for that endpoint.
 *
 * <p><b>Other branches, read-only endpoints and other databases do not join it.</b> They are
 * other servers or databases, which one {@code DataSourceTransactionManager} cannot commit
 * atomically together with the application's (that takes two-phase commit, which LakeForge does
 * not offer). Inside a transaction of the application's DataSource such a context borrows its own
 * connection and commits each statement at once: a rollback there does not undo its writes. Each
 * such context has a transaction manager of its own instead, {@link #transactionManager}: a
 * {@link DataSourceTransactionManager} over that branch's LakeForge pool, whose transactions the
 * context joins — {@code new TransactionTemplate(springLakebase.transactionManager(preview))},
 * {@code preview.transaction(...)}, or {@code @Transactional("previewTransactions")} once the
 * application declares it as a bean (then declare its main transaction manager too, as
 * {@code @Primary}: Boot's backs off when any transaction manager bean exists). The same holds
 * for every branch when the application defines its own {@code DataSource}: the starter cannot
 * tell where that one connects.
 *
 * <p>SQL errors are translated to Spring's {@code DataAccessException} hierarchy, as in Boot's
 * {@code DSLContext}: the application's {@code ExecuteListenerProvider} beans apply (Boot's
 * exception translator among them), else Boot's default translator. Pools of other branches are
 * {@link Lakebase}'s: opened on first use, released when idle ({@code poolIdleRelease}; a
 * connection held by a transaction keeps its pool open) and closed with it.
 */
public final class SpringLakebase {

  private final Supplier<Lakebase> lakebase;
  private final LakebaseConfig config;
  private final @Nullable ApplicationDataSource application;
  private final Supplier<@Nullable PlatformTransactionManager> applicationTransactions;
  private final Supplier<List<ExecuteListenerProvider>> listeners;
  /** By endpoint path and database, as {@link Lakebase} keys its pools. */
  private final Map<String, Branch> branches = new ConcurrentHashMap<>();

  private record Branch(DSLContext dsl, PlatformTransactionManager transactions) {}

  /**
   * @param lakebase the {@link Lakebase} for branches other than the application's, asked for on
   *     the first such branch only
   * @param config the settings of that {@link Lakebase} (project override, database)
   * @param application the starter's DataSource, or {@code null} when the application has its own
   * @param applicationTransactions the application's transaction manager, or {@code null} for a
   *     new {@code DataSourceTransactionManager} over the starter's DataSource
   * @param listeners the execute listeners of every context
   */
  SpringLakebase(Supplier<Lakebase> lakebase, LakebaseConfig config,
      @Nullable ApplicationDataSource application,
      Supplier<@Nullable PlatformTransactionManager> applicationTransactions,
      Supplier<List<ExecuteListenerProvider>> listeners) {
    this.lakebase = lakebase;
    this.config = config;
    this.application = application;
    this.applicationTransactions = applicationTransactions;
    this.listeners = listeners;
  }

  /** The branch's read-only endpoint on the default database (see {@link Lakebase}). */
  public DSLContext readOnly(BranchRef branch) {
    return branch(branch, EndpointKind.READ_ONLY, null).dsl();
  }

  /**
   * One database on the branch's read-only endpoint.
   *
   * @throws IllegalArgumentException if {@code database} is not declared on {@code branch}
   */
  public DSLContext readOnly(BranchRef branch, DatabaseRef database) {
    return branch(branch, EndpointKind.READ_ONLY, Objects.requireNonNull(database, "database"))
        .dsl();
  }

  /**
   * The branch's read-write endpoint on the default database (see {@link Lakebase}); the
   * application's transactions include it when that is where the starter's DataSource connects.
   */
  public DSLContext readWrite(BranchRef branch) {
    return branch(branch, EndpointKind.READ_WRITE, null).dsl();
  }

  /**
   * One database on the branch's read-write endpoint; the application's transactions include it
   * when that is where the starter's DataSource connects.
   *
   * @throws IllegalArgumentException if {@code database} is not declared on {@code branch}
   */
  public DSLContext readWrite(BranchRef branch, DatabaseRef database) {
    return branch(branch, EndpointKind.READ_WRITE, Objects.requireNonNull(database, "database"))
        .dsl();
  }

  /**
   * The transaction manager whose transactions {@code context} joins: the application's for a
   * context on the starter's DataSource, else the context's own one.
   *
   * @param context a context returned by this bean
   * @throws IllegalArgumentException for any other context
   */
  public PlatformTransactionManager transactionManager(DSLContext context) {
    for (Branch b : branches.values()) {
      if (b.dsl() == context) {
        return b.transactions();
      }
    }
    throw new IllegalArgumentException("Not a context of this SpringLakebase; take it from its"
        + " readWrite or readOnly.");
  }

  private Branch branch(BranchRef branch, EndpointKind kind, @Nullable DatabaseRef database) {
    Objects.requireNonNull(branch, "branch");
    // The rule of Lakebase: a DatabaseRef, else PGDATABASE, else the declared one, else the default.
    String db = database != null ? database.postgresNameOn(branch)
        : config.isSet(LakebaseSettings.DATABASE) || !branch.hasDatabase()
            ? config.database() : branch.database();
    String project = config.projectOverride();
    BranchRef ref = project == null ? branch : branch.withProjectId(project);
    String endpoint = kind == EndpointKind.READ_WRITE
        ? ref.readWriteEndpointPath() : ref.readOnlyEndpointPath();
    String key = endpoint + "?database=" + db;
    Branch known = branches.get(key);
    if (known != null) {
      return known;
    }
    // Built outside the map's lock (the first use of a branch opens its pool); one of two racing
    // builds wins and is the only one ever handed out.
    Branch made = application != null && kind == EndpointKind.READ_WRITE
        && application.endpoint().equals(endpoint) && application.database().equals(db)
        ? onApplicationDataSource(application)
        : ownTransactions(branch, kind, database, key);
    Branch raced = branches.putIfAbsent(key, made);
    return raced != null ? raced : made;
  }

  private Branch onApplicationDataSource(ApplicationDataSource app) {
    PlatformTransactionManager tm = applicationTransactions.get();
    if (tm == null) {
      tm = new DataSourceTransactionManager(app.dataSource());
    }
    return new Branch(dsl(app.dataSource(), tm), tm);
  }

  private Branch ownTransactions(BranchRef branch, EndpointKind kind,
      @Nullable DatabaseRef database, String key) {
    Lakebase l = lakebase.get();
    DSLContext own = kind == EndpointKind.READ_WRITE
        ? database == null ? l.readWrite(branch) : l.readWrite(branch, database)
        : database == null ? l.readOnly(branch) : l.readOnly(branch, database);
    DataSource dataSource = new BranchDataSource(key, own.configuration().connectionProvider());
    PlatformTransactionManager tm = new DataSourceTransactionManager(dataSource);
    return new Branch(dsl(dataSource, tm), tm);
  }

  /** As Boot's jOOQ auto-configuration builds its context, with LakeForge's settings. */
  private DSLContext dsl(DataSource dataSource, PlatformTransactionManager tm) {
    DefaultConfiguration c = new DefaultConfiguration();
    c.set(SQLDialect.POSTGRES);
    c.set(LakebasePool.jooqSettings());
    c.set(new DataSourceConnectionProvider(new TransactionAwareDataSourceProxy(dataSource)));
    c.set(new SpringTransactionProvider(tm));
    c.set(listeners.get().toArray(ExecuteListenerProvider[]::new));
    return DSL.using(c);
  }

  /**
   * A branch context's connections as a DataSource, so that a transaction manager can hold one
   * for a transaction: borrowed from, and returned to, the {@link Lakebase} context's provider,
   * which opens its pool again after an idle release and counts the connection as in use.
   */
  static final class BranchDataSource extends AbstractDataSource {
    private final String name;
    private final ConnectionProvider provider;

    BranchDataSource(String name, ConnectionProvider provider) {
      this.name = name;
      this.provider = provider;
    }

    @Override
    public Connection getConnection() throws SQLException {
      try {
        return new Borrowed(provider.acquire(), provider);
      } catch (DataAccessException e) {
        // LakeForge's own SQLException (message, SQLSTATE), not jOOQ's wrapper of it.
        if (e.getCause() instanceof SQLException s) {
          throw s;
        }
        throw e;
      }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException(name + ": connections use minted credentials;"
          + " call getConnection() without a user and password.");
    }

    @Override
    public String toString() {
      return "SpringLakebase[" + name + "]";
    }
  }

  /** A borrowed connection whose {@code close()} gives it back to the provider, once. */
  private static final class Borrowed extends DefaultConnection {
    private final ConnectionProvider provider;
    private final AtomicBoolean closed = new AtomicBoolean();

    Borrowed(Connection delegate, ConnectionProvider provider) {
      super(delegate);
      this.provider = provider;
    }

    @Override
    public void close() throws SQLException {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      try {
        provider.release(getDelegate());
      } catch (DataAccessException e) {
        if (e.getCause() instanceof SQLException s) {
          throw s;
        }
        throw e;
      }
    }

    @Override
    public boolean isClosed() throws SQLException {
      return closed.get() || super.isClosed();
    }
  }
}
