package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jooq.DSLContext;

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
 */
public final class LakebaseAsyncPool implements AutoCloseable {

  private final LakebasePool pool;
  private final ThreadPoolExecutor executor;
  private final DSLContext dsl;

  /** Wraps a pool; closing this closes the pool. */
  public LakebaseAsyncPool(LakebasePool pool) {
    this.pool = pool;
    LakebaseConfig config = pool.config();
    AtomicInteger threads = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(config.maxSize(), config.maxSize(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(Math.max(1, config.maxWaiting())), r -> {
          Thread t = new Thread(r, pool.name() + "-async-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.executor.allowCoreThreadTimeOut(true);
    this.dsl = pool.dsl().configuration().derive(() -> this::execute).dsl();
  }

  /** From the environment, like {@link LakebasePool#fromEnvironment()}. */
  public static LakebaseAsyncPool fromEnvironment() {
    return new LakebaseAsyncPool(LakebasePool.fromEnvironment());
  }

  /** For {@link LakebaseConfig#endpoint()}, like {@link LakebasePool#create}. */
  public static LakebaseAsyncPool create(LakebaseConfig config, WorkspaceClient client) {
    return new LakebaseAsyncPool(LakebasePool.create(config, client));
  }

  /** Runs work with a borrowed connection, returned when the work ends. */
  public <T> CompletionStage<T> withConnection(SqlFunction<? super Connection, ? extends T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try (Connection c = pool.getConnection()) {
          result.complete(work.apply(c));
        } catch (SQLException | RuntimeException e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(exhausted());
    }
    return result;
  }

  /** Runs jOOQ work; each query borrows a connection for its own duration. */
  public <T> CompletionStage<T> withDsl(Function<? super DSLContext, ? extends T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          result.complete(work.apply(pool.dsl()));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(exhausted());
    }
    return result;
  }

  /** A jOOQ context whose {@code fetchAsync()} and {@code executeAsync()} run on this executor. */
  public DSLContext dsl() {
    return dsl;
  }

  /** The underlying pool. */
  public LakebasePool pool() {
    return pool;
  }

  private void execute(Runnable command) {
    try {
      executor.execute(command);
    } catch (RejectedExecutionException e) {
      throw new CompletionException(exhausted());
    }
  }

  private PoolExhaustedException exhausted() {
    return new PoolExhaustedException(pool.name() + ": " + pool.config().maxWaiting() + " tasks are"
        + " already queued for a connection (maxWaiting). Raise maxSize or maxWaiting, or shed load.");
  }

  /** Stops accepting work, lets queued work finish for up to the acquisition timeout, closes the pool. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(pool.config().acquisitionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    pool.close();
  }
}
