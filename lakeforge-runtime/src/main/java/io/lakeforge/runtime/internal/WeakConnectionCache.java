package io.lakeforge.runtime.internal;

import io.agroal.api.cache.Acquirable;
import io.agroal.api.cache.ConnectionCache;
import java.lang.ref.WeakReference;
import org.jspecify.annotations.Nullable;

/**
 * Agroal's per-thread fast path (the connection a thread returned last is tried first), holding
 * that connection weakly. Agroal's default ({@code LocalConnectionCache.single()}) keeps it in a
 * {@code ThreadLocal} of the pool, and a pool's close only replaces that {@code ThreadLocal}: the
 * old entry, whose value reaches the whole closed pool (its connections, configuration,
 * credential cache), stays in every thread that returned a connection until that thread's map
 * happens to expunge it. With branch pools released and reopened on long-lived threads, the
 * many-branches benchmark found all 221 closed pools still reachable. The pool's own list keeps
 * a live connection reachable, so holding it weakly loses nothing.
 */
final class WeakConnectionCache implements ConnectionCache {

  private volatile ThreadLocal<@Nullable WeakReference<Acquirable>> local = new ThreadLocal<>();

  @Override
  public @Nullable Acquirable get() {
    WeakReference<Acquirable> ref = local.get();
    Acquirable a = ref == null ? null : ref.get();
    return a != null && a.acquire() ? a : null;
  }

  @Override
  public void put(Acquirable acquirable) {
    if (!acquirable.isAcquirable()) {
      return;
    }
    ThreadLocal<@Nullable WeakReference<Acquirable>> current = local;
    WeakReference<Acquirable> ref = current.get();
    // A thread that borrows and returns the same connection allocates nothing.
    if (ref == null || ref.get() != acquirable) {
      current.set(new WeakReference<>(acquirable));
    }
  }

  @Override
  public void reset() {
    local = new ThreadLocal<>();
  }
}
