package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LakebasePool} behind a {@link CompletionStage} API. Work runs on a dedicated executor
 * with one thread per pool connection and a queue of {@code maxWaiting}; when the queue is full
 * the returned stage fails at once with {@link PoolExhaustedException}.
 *
 * <pre>{@code
 * try (LakebaseAsyncPool pool = LakebaseAsyncPool.fromEnvironment()) {
 *   pool.withDsl(dsl -> dsl.fetchValue("select current_user", String.class))
 *       .thenAccept(System.out::println);
 * }
 * }</pre>
 *
 * <p>Every stage completes: with the work's result, with whatever it threw ({@link Error}s
 * included), with {@link PoolExhaustedException}, or with {@link LakebaseClosedException} when
 * it was submitted after {@link #close()} or was still pending when {@code close()} ran.
 * Cancelling a stage skips its work if it has not started, and otherwise interrupts it, cancels
 * its query on the server and aborts the connection it borrowed.
 */
public final class LakebaseAsyncPool implements AutoCloseable {

  @FunctionalInterface
  private interface Work<T> {
    T run(Task<T> task) throws Exception;
  }

  private final LakebasePool pool;
  private final ThreadPoolExecutor executor;
  private final DSLContext dsl;
  private final Set<Task<?>> tasks = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Wraps a pool; closing this closes the pool. */
  public LakebaseAsyncPool(LakebasePool pool) {
    this.pool = pool;
    LakebaseConfig config = pool.config();
    AtomicInteger threads = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(config.maxSize(), config.maxSize(), 60, TimeUnit.SECONDS,
        // Linked, not an array: the bound is a limit, not an allocation of maxWaiting slots.
        new LinkedBlockingQueue<>(Math.max(1, config.maxWaiting())), r -> {
          Thread t = new Thread(r, pool.name() + "-async-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.executor.allowCoreThreadTimeOut(true);
    this.dsl = pool.dsl().configuration().derive(() -> this::execute).dsl();
  }

  /** From the environment, like {@link LakebasePool#fromEnvironment()}. */
  public static LakebaseAsyncPool fromEnvironment() {
    return wrap(LakebasePool.fromEnvironment());
  }

  /** For {@link LakebaseConfig#endpoint()}, like {@link LakebasePool#create}. */
  public static LakebaseAsyncPool create(LakebaseConfig config, WorkspaceClient client) {
    return wrap(LakebasePool.create(config, client));
  }

  /** The pool was opened for this async pool: a failure to start closes it again. */
  private static LakebaseAsyncPool wrap(LakebasePool pool) {
    try {
      return new LakebaseAsyncPool(pool);
    } catch (RuntimeException | Error e) {
      pool.close();
      throw e;
    }
  }

  /** Runs work with a borrowed connection, returned when the work ends. */
  public <T> CompletionStage<T> withConnection(SqlFunction<? super Connection, ? extends T> work) {
    return submit(task -> {
      try (Connection c = pool.getConnection()) {
        task.borrowed(c);
        return work.apply(c);
      }
    });
  }

  /**
   * Runs jOOQ work; each query borrows a connection for its own duration. Cancelling the stage
   * cancels the query running at that moment on the server, as for {@link #withConnection}.
   */
  public <T> CompletionStage<T> withDsl(Function<? super DSLContext, ? extends T> work) {
    return submit(task -> work.apply(pool.dsl().configuration().derive(
        new org.jooq.ConnectionProvider() {
          @Override
          public Connection acquire() {
            try {
              Connection c = pool.getConnection();
              task.borrowed(c);
              return c;
            } catch (SQLException e) {
              throw new org.jooq.exception.DataAccessException(
                  "Error getting connection from " + pool.name(), e);
            }
          }

          @Override
          public void release(Connection c) {
            task.borrowed(null);
            try {
              c.close();
            } catch (SQLException e) {
              throw new org.jooq.exception.DataAccessException(
                  "Error returning a connection to " + pool.name(), e);
            }
          }
        }).dsl()));
  }

  /** A jOOQ context whose {@code fetchAsync()} and {@code executeAsync()} run on this executor. */
  public DSLContext dsl() {
    return dsl;
  }

  /** The underlying pool. */
  public LakebasePool pool() {
    return pool;
  }

  private <T> CompletableFuture<T> submit(Work<T> work) {
    Task<T> task = new Task<>(work);
    if (closed) {
      task.stage.completeExceptionally(closedException());
      return task.stage;
    }
    tasks.add(task);
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      tasks.remove(task);
      task.stage.completeExceptionally(closed ? closedException() : exhausted());
    }
    if (closed) {
      // close() may have drained the queue before this task arrived in it.
      task.stage.completeExceptionally(closedException());
    }
    return task.stage;
  }

  private void execute(Runnable command) {
    if (closed) {
      throw new CompletionException(closedException());
    }
    try {
      executor.execute(command);
    } catch (RejectedExecutionException e) {
      throw new CompletionException(closed ? closedException() : exhausted());
    }
  }

  private PoolExhaustedException exhausted() {
    return new PoolExhaustedException(pool.name() + ": " + pool.config().maxWaiting() + " tasks are"
        + " already queued for a connection (maxWaiting). Raise maxSize or maxWaiting, or shed load.");
  }

  private LakebaseClosedException closedException() {
    return new LakebaseClosedException(pool.name() + ": the async pool is closed; the work did"
        + " not run or did not finish.");
  }

  /**
   * Stops accepting work; completes queued stages with {@link LakebaseClosedException}; lets
   * running work finish for up to {@code closeGrace}, then completes its stages the same way,
   * interrupts it, cancels its query on the server and closes the pool (which closes the
   * connections it holds). No thread of this
   * pool is left running. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    executor.shutdown();
    List<Runnable> queued = new ArrayList<>();
    executor.getQueue().drainTo(queued);
    List<Runnable> foreign = new ArrayList<>();
    for (Runnable r : queued) {
      if (r instanceof Task<?> t) {
        t.stage.completeExceptionally(closedException());
        tasks.remove(t);
      } else {
        foreign.add(r);
      }
    }
    long grace = pool.config().get(LakebaseSettings.CLOSE_GRACE).toMillis();
    try {
      if (grace > 0) {
        executor.awaitTermination(grace, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Task<?> t : tasks) {
      t.stage.completeExceptionally(closedException());
      t.stop();
    }
    executor.shutdownNow();
    pool.close();
    // jOOQ's own async stages: run against the closed pool, they fail at once with "closed".
    foreign.forEach(Runnable::run);
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One unit of work and its stage; cancelling the stage stops the work. */
  private final class Task<T> implements Runnable {
    private final Work<T> work;
    private final CompletableFuture<T> stage = new CompletableFuture<>();
    private @Nullable Thread runner;
    private @Nullable Connection connection;

    Task(Work<T> work) {
      this.work = work;
      stage.whenComplete((v, e) -> {
        if (e instanceof CancellationException) {
          stop();
        }
      });
    }

    synchronized void borrowed(@Nullable Connection c) {
      connection = c;
    }

    synchronized void stop() {
      if (runner != null) {
        runner.interrupt();
      }
      if (connection != null) {
        try {
          // Closing the socket alone leaves the query running on the server until it ends.
          connection.unwrap(org.postgresql.PGConnection.class).cancelQuery();
        } catch (SQLException | RuntimeException ignored) {
          // Aborting below is the fallback.
        }
        Jdbc.abort(connection);
      }
    }

    @Override
    public void run() {
      try {
        synchronized (this) {
          if (stage.isDone()) {
            return;
          }
          runner = Thread.currentThread();
        }
        try {
          stage.complete(work.run(this));
        } catch (Throwable t) { // Errors too: the stage must complete.
          stage.completeExceptionally(t);
          if (t instanceof VirtualMachineError vme) {
            throw vme;
          }
        }
      } finally {
        synchronized (this) {
          runner = null;
          connection = null;
          Thread.interrupted(); // a late cancel must not reach the next task on this thread
        }
        tasks.remove(this);
      }
    }
  }
}
