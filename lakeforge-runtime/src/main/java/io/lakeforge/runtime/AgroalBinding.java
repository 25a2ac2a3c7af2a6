package io.lakeforge.runtime;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.security.AgroalSecurityProvider;
import io.lakeforge.runtime.internal.AgroalPools;
import io.lakeforge.runtime.internal.Jdbc;
import io.lakeforge.runtime.internal.OpenerDriver;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * LakeForge's binding to Agroal for one pool, in one place: the security provider that hands
 * Agroal the pool's {@link Opener} (through {@link OpenerDriver}; no password passes through
 * Agroal), the pool settings and lifetime jitter ({@link AgroalPools}), the caller's deadline,
 * the physical connections opened, and the translation of Agroal's failures.
 *
 * <p><b>The deadline.</b> Agroal opens a connection on the caller's thread for a platform thread
 * and on its own housekeeping thread for a virtual thread (AG-315). A thread-local carries the
 * caller's deadline to the first; for the second the opener takes the latest deadline of the
 * pool's recent callers, so an open on Agroal's thread gives up when the last caller that may
 * take its connection does; one queued behind it for callers that have all given up does not
 * start (no API call); a fill with no caller in the last budget ({@code minSize}) gets a whole
 * budget. When the last waiting caller leaves without a connection before its deadline
 * (interrupted, a cancelled task), the opens running for it on Agroal's threads are interrupted
 * and those queued for it do not start.
 *
 * <p><b>Errors</b> are translated by cause and SQLSTATE, never by Agroal's text: the first
 * exception in the cause chain that carries a SQLSTATE (LakeForge's own or the server's) is the
 * real failure, wherever it was thrown; a wait that ended with none is a timeout, reported with
 * the pool's state and the last failure to open a connection, as HikariCP does.
 */
final class AgroalBinding implements AgroalSecurityProvider {

  /** The deadline of the current caller on this thread, 0 when none. */
  private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[1]);
  /** {@link #latest} is moved on only when a deadline is later by this much: rare shared writes. */
  private static final long LATEST_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** How long a timed-out caller waits for an open still running for it to report its failure. */
  private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final String name;
  private final LakebaseConfig config;
  private final Opener opener;
  private final BooleanSupplier closed;
  private final long budgetNanos;
  private final Object credential = new Object() {
    @Override
    public String toString() {
      return "LakebaseCredential[minted per physical connection]";
    }
  };
  private final AgroalDataSource agroal;
  /** Physical connections opened and not yet seen closed; swept by the pool's close. */
  private final Set<Connection> opened = ConcurrentHashMap.newKeySet();
  private final AtomicInteger opening = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition settled = lock.newCondition();
  /** The latest deadline of a caller; opens on Agroal's threads end with it. */
  private volatile long latest;
  /** Callers inside {@link #borrow(long)} or {@link #isHealthy(boolean)}. */
  private final AtomicInteger waiters = new AtomicInteger();
  /** Opens running on Agroal's threads for callers, guarded by {@link #lock}. */
  private final Set<Thread> forCallers = new java.util.HashSet<>();
  /** Threads of {@link #forCallers} this binding interrupted, guarded by {@link #lock}. */
  private final Set<Thread> interrupted = new java.util.HashSet<>();
  /** The value of {@link #latest} when its callers all left early: opens for it do not start. */
  private volatile long abandoned;
  private volatile @Nullable Failure lastFailure;

  private record Failure(SQLException exception, long at) {}

  AgroalBinding(String name, LakebaseConfig config, Opener opener, BooleanSupplier closed)
      throws SQLException {
    this.name = name;
    this.config = config;
    this.opener = opener;
    this.closed = closed;
    this.budgetNanos = config.acquisitionTimeout().toNanos();
    this.latest = System.nanoTime() - budgetNanos - 1; // the first fill is not for a caller
    this.agroal = AgroalDataSource.from(AgroalPools.opening(config, credential, this));
  }

  AgroalDataSource agroal() {
    return agroal;
  }

  Set<Connection> opened() {
    return opened;
  }

  /** Opens in progress (for tests and the timeout message). */
  int opening() {
    return opening.get();
  }

  /** Borrows from Agroal within the acquisition budget from now. */
  Connection borrow() throws SQLException {
    return borrow(System.nanoTime() + budgetNanos);
  }

  /** Borrows from Agroal; any connection opened for it gives up at {@code deadline}. */
  Connection borrow(long deadline) throws SQLException {
    long[] slot = begin(deadline);
    boolean served = false;
    try {
      Connection c = agroal.getConnection();
      served = true;
      return c;
    } catch (SQLException | RuntimeException e) {
      throw translate(e, deadline);
    } finally {
      end(slot, served);
    }
  }

  /** Agroal's health check within the acquisition budget. */
  boolean isHealthy(boolean newConnection) throws SQLException {
    long deadline = System.nanoTime() + budgetNanos;
    long[] slot = begin(deadline);
    boolean served = false;
    try {
      boolean healthy = agroal.isHealthy(newConnection);
      served = true;
      return healthy;
    } catch (SQLException | RuntimeException e) {
      throw translate(e, deadline);
    } finally {
      end(slot, served);
    }
  }

  private long[] begin(long deadline) {
    waiters.incrementAndGet();
    long[] slot = DEADLINE.get();
    slot[0] = deadline;
    if (deadline - latest > LATEST_STEP_NANOS) {
      latest = deadline;
    }
    return slot;
  }

  /**
   * A caller leaves. The last one to leave without a connection before its deadline ends the
   * opens running for the callers on Agroal's threads: nobody waits for them any more.
   */
  private void end(long[] slot, boolean served) {
    slot[0] = 0;
    if (waiters.decrementAndGet() > 0 || served) {
      return;
    }
    long last = latest;
    if (last - System.nanoTime() <= 0) {
      return; // the deadline passed: the opens end with it anyway
    }
    lock.lock();
    try {
      if (waiters.get() > 0) {
        return; // a new caller arrived
      }
      abandoned = last;
      for (Thread t : forCallers) {
        if (interrupted.add(t)) {
          t.interrupt();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Called by {@link OpenerDriver} on whichever thread Agroal opens a connection. */
  private Connection open() throws SQLException {
    long deadline = DEADLINE.get()[0];
    if (deadline == 0) { // on Agroal's thread
      long now = System.nanoTime();
      long last = latest;
      if (last - now > 0 && !(last == abandoned && waiters.get() == 0)) {
        deadline = last;
        lock.lock();
        try {
          forCallers.add(Thread.currentThread());
        } finally {
          lock.unlock();
        }
      } else if (last - now > 0) {
        throw new SQLException(name + ": not opening a connection: the callers that asked for"
            + " it left (interrupted or cancelled).", "08001");
      } else if (now - last < budgetNanos) {
        // Queued for callers that have all given up: no API call, no login for nobody.
        throw new SQLException(name + ": not opening a connection: the callers that asked for"
            + " it gave up (acquisitionTimeout).", "08001");
      } else {
        deadline = now + budgetNanos; // a fill (minSize) with no caller in sight
      }
    }
    opening.incrementAndGet();
    try {
      Connection connection = opener.open(deadline);
      opened.removeIf(Jdbc::isClosed);
      opened.add(connection);
      if (closed.getAsBoolean()) { // the pool's close set its flag before its sweep
        opened.remove(connection);
        Jdbc.abort(connection);
        throw closedException();
      }
      return connection;
    } catch (SQLException e) {
      lastFailure = new Failure(e, System.nanoTime());
      throw e;
    } finally {
      opening.decrementAndGet();
      lock.lock();
      try {
        forCallers.remove(Thread.currentThread());
        if (interrupted.remove(Thread.currentThread())) {
          Thread.interrupted(); // the interrupt was this binding's, for this open only
        }
        settled.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  SQLException closedException() {
    return new SQLException(name + ": the pool is closed; create a new one.", "08003",
        new LakebaseClosedException(name + ": the pool is closed."));
  }

  private SQLException translate(Exception e, long deadline) {
    if (closed.getAsBoolean()) {
      return closedException();
    }
    SQLException real = withSqlState(e);
    if (real != null) {
      // Thrown on Agroal's thread for a virtual caller: the same failure, with this caller's trace.
      return real == e ? real : new SQLException(real.getMessage(), real.getSQLState(),
          real.getErrorCode(), real);
    }
    LakebaseCredentialException credentialFailure = Jdbc.find(e, LakebaseCredentialException.class);
    if (credentialFailure != null) {
      return new SQLException(name + ": could not open a connection: "
          + credentialFailure.getMessage(), "08001", credentialFailure);
    }
    if (Thread.currentThread().isInterrupted()) {
      return new SQLException(name + ": interrupted while waiting for a connection.", "08001", e);
    }
    if (System.nanoTime() - deadline >= 0) {
      return timedOut(e, deadline);
    }
    return new SQLException(name + ": could not open a connection: " + e.getMessage(), "08001", e);
  }

  private static @Nullable SQLException withSqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s;
      }
    }
    return null;
  }

  /**
   * The caller waited its whole budget: the pool's state and, when an open failed during the
   * wait, that failure (waiting up to {@link #SETTLE_NANOS} for an open still running to end).
   */
  private SQLException timedOut(Exception agroalFailure, long deadline) {
    long start = deadline - budgetNanos;
    Failure failure = lastFailure;
    if ((failure == null || failure.at() - start < 0) && opening.get() > 0) {
      long end = System.nanoTime() + SETTLE_NANOS;
      lock.lock();
      try {
        while (opening.get() > 0 && (failure == null || failure.at() - start < 0)) {
          long left = end - System.nanoTime();
          if (left <= 0) {
            break;
          }
          settled.awaitNanos(left);
          failure = lastFailure;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    }
    int open = 0;
    for (Connection c : opened) {
      if (!Jdbc.isClosed(c)) {
        open++;
      }
    }
    int max = config.maxSize();
    String prefix = name + ": no connection within the acquisition timeout ("
        + config.acquisitionTimeout().toMillis() + " ms)";
    if (failure != null && failure.at() - start >= 0) {
      SQLException cause = failure.exception();
      String reason = cause.getMessage();
      if (reason != null && reason.startsWith(name + ": ")) {
        reason = reason.substring(name.length() + 2);
      }
      SQLTimeoutException t = new SQLTimeoutException(prefix + "; " + open + " of " + max
          + " connections open, and opening one failed: " + reason,
          cause.getSQLState() != null ? cause.getSQLState() : "08001", cause);
      t.addSuppressed(agroalFailure);
      return t;
    }
    int pending = opening.get();
    String state = open >= max
        ? "; all " + max + " connections are in use. Raise maxSize or acquisitionTimeout, or"
            + " shed load."
        : "; " + open + " of " + max + " connections open" + (pending > 0
            ? ", " + pending + " still being opened (see the log for why opening is slow)."
            : ".");
    return new SQLTimeoutException(prefix + state, "08001", agroalFailure);
  }

  @Override
  public @Nullable Properties getSecurityProperties(Object securityObject) {
    if (securityObject != credential) {
      return null;
    }
    Properties properties = new Properties();
    properties.put(OpenerDriver.OPENER, (io.lakeforge.runtime.internal.ConnectionOpener) this::open);
    return properties;
  }

  @Override
  public String toString() {
    return "AgroalBinding[" + name + "]";
  }
}
