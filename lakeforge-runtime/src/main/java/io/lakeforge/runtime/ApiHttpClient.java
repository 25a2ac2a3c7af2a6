package io.lakeforge.runtime;

import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.http.Request;
import com.databricks.sdk.core.http.Response;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpDelete;
import org.apache.http.client.methods.HttpEntityEnclosingRequestBase;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpHead;
import org.apache.http.client.methods.HttpPatch;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpPut;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.entity.InputStreamEntity;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/**
 * LakeForge's HTTP client for the Databricks SDK, with a wall-clock deadline per request.
 *
 * <p>A socket read timeout restarts on every byte, so an answer trickled a byte at a time never
 * trips it (a 2 s timeout let one request run 52.9 s). Here every request is aborted when its
 * deadline passes, whatever the bytes do: {@code apiTimeout} from its start, or the end of the
 * current attempt ({@link #attempt}) when that comes first, so the OAuth token request and the
 * API call of one attempt share one budget. The abort runs on one daemon timer thread shared by
 * the process, which ends after a second without deadlines. Bodies are read in full (every
 * LakeForge call answers JSON); the SDK's own retries are off in the callers.
 *
 * <p>One client (and the SDK configuration over it, with its OAuth token) serves every LakeForge
 * object of the process that uses the same application client and {@code apiTimeout}; each user
 * runs its requests in its own {@link Scope}. {@link Scope#close()} aborts that user's requests,
 * {@link #close()} every request in flight and the connections; a request cut by either, and any
 * request after it, fails with {@link LakebaseClosedException} rather than an {@link
 * IOException}, so the SDK does not log a closing as a failure.
 */
final class ApiHttpClient implements HttpClient, AutoCloseable {

  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();
  /** The caller's current attempt: its end ({@link System#nanoTime()}, 0 when none) and scope. */
  private static final ThreadLocal<Attempt> ATTEMPT = ThreadLocal.withInitial(Attempt::new);

  private static final int MAX_CONNECTIONS = 32;

  private final long timeoutNanos;
  private final PoolingHttpClientConnectionManager connections;
  private final CloseableHttpClient http;
  private final RequestConfig config;
  private final Set<HttpRequestBase> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ApiHttpClient(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    connections = new PoolingHttpClientConnectionManager();
    // Shared by every endpoint's credential cache of the process: many refreshes may run at once.
    connections.setMaxTotal(MAX_CONNECTIONS);
    connections.setDefaultMaxPerRoute(MAX_CONNECTIONS);
    config = RequestConfig.custom()
        .setConnectTimeout(millis)
        .setSocketTimeout(millis)
        .setConnectionRequestTimeout(millis)
        .build();
    http = HttpClientBuilder.create()
        .setDefaultRequestConfig(config)
        .setConnectionManager(connections)
        .disableAutomaticRetries()
        .build();
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "lakeforge-api-deadlines");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(1, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    return timer;
  }

  /**
   * Runs one attempt of a call: every request the SDK makes for it on this thread ends by
   * {@code endNanos} ({@link System#nanoTime()}), and {@link Scope#close()} aborts it.
   */
  static <T> T attempt(long endNanos, Scope scope, java.util.function.Supplier<T> call) {
    Attempt slot = ATTEMPT.get();
    long outerEnd = slot.end;
    Scope outerScope = slot.scope;
    slot.end = endNanos;
    slot.scope = scope;
    try {
      return call.get();
    } finally {
      slot.end = outerEnd;
      slot.scope = outerScope;
    }
  }

  /** Mutable per thread, so an attempt allocates nothing for its bookkeeping. */
  private static final class Attempt {
    long end;
    @org.jspecify.annotations.Nullable Scope scope;
  }

  /**
   * The requests of one user of a shared client: {@link #close()} aborts them, and fails that
   * user's later requests as closed, without touching the other users' requests.
   */
  static final class Scope implements AutoCloseable {
    private final Set<HttpRequestBase> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    boolean isClosed() {
      return closed;
    }

    /** Aborts this scope's requests in flight. Idempotent. */
    @Override
    public void close() {
      closed = true;
      for (HttpRequestBase r : inFlight) {
        r.abort();
      }
    }
  }

  @Override
  public Response execute(Request in) throws IOException {
    Attempt current = ATTEMPT.get();
    Scope scope = current.scope;
    if (closed || scope != null && scope.closed) {
      throw closed();
    }
    HttpRequestBase request = transform(in);
    in.getHeaders().forEach(request::setHeader);
    if (!in.getRedirectionBehavior().orElse(true)) {
      request.setConfig(RequestConfig.copy(config).setRedirectsEnabled(false).build());
    }
    long start = System.nanoTime();
    long end = start + timeoutNanos;
    long attemptEnd = current.end;
    if (attemptEnd != 0 && attemptEnd - end < 0) {
      end = attemptEnd;
    }
    long left = end - start;
    if (left <= 0) {
      throw new SocketTimeoutException("no time left in this attempt");
    }
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
      expired.set(true);
      request.abort();
    }, left, TimeUnit.NANOSECONDS);
    inFlight.add(request);
    if (scope != null) {
      scope.inFlight.add(request);
    }
    try {
      if (closed || scope != null && scope.closed) { // closed between the check and the registration
        throw closed();
      }
      try (CloseableHttpResponse response = http.execute(request)) {
        HttpEntity entity = response.getEntity();
        String body = entity == null ? null : EntityUtils.toString(entity, StandardCharsets.UTF_8);
        return new Response(in, url(in), response.getStatusLine().getStatusCode(),
            response.getStatusLine().getReasonPhrase(), headers(response.getAllHeaders()), body);
      }
    } catch (IOException | RuntimeException e) {
      if (closed || scope != null && scope.closed) {
        throw closed();
      }
      if (expired.get()) {
        throw new SocketTimeoutException("no complete answer within "
            + TimeUnit.NANOSECONDS.toMillis(left) + " ms");
      }
      throw e;
    } finally {
      timer.cancel(false);
      inFlight.remove(request);
      if (scope != null) {
        scope.inFlight.remove(request);
      }
    }
  }

  private static LakebaseClosedException closed() {
    return new LakebaseClosedException("LakeForge's Databricks API client is closed.");
  }

  private static URL url(Request in) throws IOException {
    return in.getUri().toURL();
  }

  private static Map<String, List<String>> headers(Header[] all) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Header h : all) {
      map.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
    }
    return map;
  }

  private static HttpRequestBase transform(Request in) {
    return switch (in.getMethod()) {
      case Request.GET -> new HttpGet(in.getUri());
      case Request.HEAD -> new HttpHead(in.getUri());
      case Request.DELETE -> new HttpDelete(in.getUri());
      case Request.POST -> withEntity(new HttpPost(in.getUri()), in);
      case Request.PUT -> withEntity(new HttpPut(in.getUri()), in);
      case Request.PATCH -> withEntity(new HttpPatch(in.getUri()), in);
      default -> throw new IllegalArgumentException("Unknown method: " + in.getMethod());
    };
  }

  private static HttpRequestBase withEntity(HttpEntityEnclosingRequestBase request, Request in) {
    if (in.isBodyString()) {
      request.setEntity(new StringEntity(in.getBodyString(), StandardCharsets.UTF_8));
    } else if (in.isBodyStreaming()) {
      request.setEntity(new InputStreamEntity(in.getBodyStream()));
    }
    return request;
  }

  /** Aborts every request in flight and closes the connections. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (HttpRequestBase r : inFlight) {
      r.abort();
    }
    connections.shutdown();
  }
}
