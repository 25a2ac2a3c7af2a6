package io.lakeforge.micrometer;

import io.lakeforge.runtime.EndpointKind;
import io.lakeforge.runtime.LakebaseCredentialStatus;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters for a LakeForge pool (or an unpooled {@link LakebaseDataSource}) and its
 * credential cache; plain Micrometer, no Spring needed:
 *
 * <pre>{@code
 * LakebaseMetrics.forPool(pool).bindTo(registry);
 * }</pre>
 *
 * <p>Every meter is read from the runtime when the registry polls it; nothing is added to the
 * pool's hot path. Tags: {@code project}, {@code branch} and {@code kind} ({@code read_write} or
 * {@code read_only}), plus any given; never a host or an identity. Pool meters ({@code
 * lakeforge.pool.*}) exist for {@link LakebasePool} only; credential meters ({@code
 * lakeforge.credential.*}) for both. Pools sharing a credential cache report the same credential
 * figures under the same tags (Micrometer keeps the first registration).
 */
public final class LakebaseMetrics implements MeterBinder {

  /** Meter names, also listed in docs/runtime.md. */
  public static final String ACTIVE = "lakeforge.pool.connections.active";
  public static final String IDLE = "lakeforge.pool.connections.idle";
  public static final String PENDING = "lakeforge.pool.connections.pending";
  public static final String MAX = "lakeforge.pool.connections.max";
  public static final String CREATED = "lakeforge.pool.connections.created";
  public static final String LOGIN = "lakeforge.pool.connections.login";
  public static final String ACQUISITION = "lakeforge.pool.acquisition";
  public static final String ACQUISITION_MAX = "lakeforge.pool.acquisition.max";
  public static final String EXHAUSTED = "lakeforge.pool.exhausted";
  public static final String REFRESHES = "lakeforge.credential.refreshes";
  public static final String REFRESH = "lakeforge.credential.refresh";
  public static final String API_CALLS = "lakeforge.credential.api.calls";
  public static final String API_RETRIES = "lakeforge.credential.api.retries";
  public static final String REMAINING = "lakeforge.credential.validity.remaining";

  private final @org.jspecify.annotations.Nullable LakebasePool pool;
  /** The pool or data source: meters hold it weakly, as Micrometer does, so it is the owner. */
  private final Object owner;
  private final Tags tags;

  private LakebaseMetrics(@org.jspecify.annotations.Nullable LakebasePool pool,
      Object owner, String endpoint, EndpointKind kind,
      Iterable<Tag> extra) {
    this.pool = pool;
    this.owner = owner;
    this.tags = tags(endpoint, kind).and(extra);
  }

  /** Pool and credential meters of a pool. */
  public static LakebaseMetrics forPool(LakebasePool pool, Tag... extraTags) {
    return new LakebaseMetrics(pool, pool, pool.endpoint(), pool.endpointKind(),
        Tags.of(extraTags));
  }

  /** Credential meters of an unpooled data source (an external pool reports its own meters). */
  public static LakebaseMetrics forDataSource(LakebaseDataSource dataSource, Tag... extraTags) {
    return new LakebaseMetrics(null, dataSource, dataSource.endpoint(),
        dataSource.endpointKind(), Tags.of(extraTags));
  }

  /** {@code project}, {@code branch} and {@code kind} of an endpoint path. */
  public static Tags tags(String endpoint, EndpointKind kind) {
    String[] p = endpoint.split("/");
    return Tags.of("project", p.length > 1 ? p[1] : "unknown", "branch",
        p.length > 3 ? p[3] : "unknown", "kind", kind.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    LakebasePool p = pool;
    if (p != null) {
      gauge(registry, ACTIVE, "Connections lent to callers.", p, x -> x.stats().active());
      gauge(registry, IDLE, "Connections ready in the pool.", p, x -> x.stats().idle());
      gauge(registry, PENDING, "Callers waiting for a connection.", p, x -> x.stats().waiting());
      gauge(registry, MAX, "The pool's maximum size.", p, x -> x.stats().maxSize());
      counter(registry, CREATED, "Physical connections opened.", p, x -> x.activity().created());
      FunctionTimer.builder(LOGIN, p, x -> x.activity().created(),
              x -> x.activity().creationTime().toNanos(), TimeUnit.NANOSECONDS)
          .description("Time to open a physical connection: credential and login.")
          .tags(tags).register(registry);
      FunctionTimer.builder(ACQUISITION, p, x -> x.activity().acquired(),
              x -> x.activity().acquisitionTime().toNanos(), TimeUnit.NANOSECONDS)
          .description("Time callers spent in getConnection().").tags(tags).register(registry);
      TimeGauge.builder(ACQUISITION_MAX, p, TimeUnit.NANOSECONDS,
              x -> x.activity().maxAcquisitionTime().toNanos())
          .description("The longest getConnection() so far.").tags(tags).register(registry);
      counter(registry, EXHAUSTED, "Callers turned away because maxWaiting callers were waiting.",
          p, x -> x.activity().exhausted());
    }
    Object c = owner;
    FunctionCounter.builder(REFRESHES, c, x -> status(x).refreshes())
        .description("Credential refreshes, by result.").tags(tags).tag("result", "success")
        .register(registry);
    FunctionCounter.builder(REFRESHES, c, x -> status(x).failures())
        .description("Credential refreshes, by result.").tags(tags).tag("result", "failure")
        .register(registry);
    FunctionTimer.builder(REFRESH, c, x -> status(x).refreshes() + status(x).failures(),
            x -> status(x).refreshTime().toNanos(), TimeUnit.NANOSECONDS)
        .description("Time of credential refreshes, retries and backoff included.").tags(tags)
        .register(registry);
    counter(registry, API_CALLS, "HTTP calls to the credential API, retries included.", c,
        x -> status(x).apiCalls());
    counter(registry, API_RETRIES, "HTTP calls to the credential API beyond the first per refresh.",
        c, x -> status(x).apiRetries());
    TimeGauge.builder(REMAINING, c, TimeUnit.MILLISECONDS, LakebaseMetrics::remainingMillis)
        .description("Time until the cached credential expires; 0 when none is cached.")
        .tags(tags).register(registry);
  }

  private static LakebaseCredentialStatus status(Object owner) {
    return owner instanceof LakebasePool p
        ? p.credentialStatus()
        : ((LakebaseDataSource) owner).credentialStatus();
  }

  private static double remainingMillis(Object owner) {
    Instant expires = status(owner).expireTime();
    return expires == null ? 0 : Math.max(0, Duration.between(Instant.now(), expires).toMillis());
  }

  private <T> void gauge(MeterRegistry registry, String name, String description, T source,
      ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).description(description).tags(tags).register(registry);
  }

  private <T> void counter(MeterRegistry registry, String name, String description, T source,
      ToLongFunction<T> value) {
    FunctionCounter.builder(name, source, x -> value.applyAsLong(x)).description(description)
        .tags(tags).register(registry);
  }
}
