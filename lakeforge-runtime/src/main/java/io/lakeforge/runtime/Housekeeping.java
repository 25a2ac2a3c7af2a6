package io.lakeforge.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the whole process that runs LakeForge's periodic chores (the release of
 * idle branch pools of every {@link Lakebase}), so their number of threads does not grow with the
 * number of {@code Lakebase} objects or branches. The thread ends a second after the last chore
 * is cancelled. A chore must not block: it runs between the others.
 */
final class Housekeeping {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private Housekeeping() {}

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "lakeforge-housekeeping");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(1, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    return timer;
  }

  /**
   * Runs {@code chore} every {@code period} until the returned future is cancelled; a chore that
   * throws is logged and runs again at its next time.
   */
  static ScheduledFuture<?> every(Duration period, String name, Runnable chore) {
    long nanos = Math.max(1, period.toNanos());
    return TIMER.scheduleWithFixedDelay(() -> {
      try {
        chore.run();
      } catch (RuntimeException e) {
        System.getLogger("io.lakeforge.runtime").log(System.Logger.Level.WARNING,
            () -> name + ": a periodic task failed: " + e);
      }
    }, nanos, nanos, TimeUnit.NANOSECONDS);
  }
}
