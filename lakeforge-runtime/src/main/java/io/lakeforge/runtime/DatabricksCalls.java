package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.ApiClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.service.iam.CurrentUserAPI;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.iam.User;
import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import com.databricks.sdk.service.postgres.GetEndpointRequest;
import com.databricks.sdk.service.postgres.PostgresAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Databricks API calls LakeForge makes, over LakeForge's own HTTP client shared by the process
 * per application client and {@code apiTimeout}: a private copy of the application's SDK
 * configuration (same host and authentication) whose connect, read and
 * pool-wait timeouts all equal {@code apiTimeout}, and which aborts every attempt when
 * {@code apiTimeout} has passed since it began, however the answer trickles in ({@link
 * ApiHttpClient}): a hanging API never holds the application's HTTP connections and every call
 * ends within {@code apiTimeout} per attempt plus the backoff between attempts. Retries are bounded
 * (full-jitter exponential backoff) on 429, 5xx, timeouts and unreadable answers; the SDK's own
 * retries are off. {@link #close()} aborts the requests in flight and closes the HTTP connections.
 */
final class DatabricksCalls implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("io.lakeforge.runtime");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** Shared clients by application configuration (identity) and apiTimeout; guarded by itself. */
  private static final Map<ApiKey, Api> APIS = new HashMap<>();

  private final Api api;
  private final ApiHttpClient.Scope scope = new ApiHttpClient.Scope();
  private final Duration timeout;
  private final int attempts;
  private final Duration backoff;
  private final Clock clock;
  private volatile boolean closed;

  /**
   * Calls over the process's shared API client for {@code client}'s configuration and
   * {@code apiTimeout}: every user of one application client authenticates once (one OAuth
   * token), whatever the number of endpoints and branches. {@link #close()} ends this user's
   * requests; the last user closes the shared client.
   */
  DatabricksCalls(WorkspaceClient client, LakebaseConfig settings, Clock clock) {
    this.timeout = settings.apiTimeout();
    this.attempts = settings.apiAttempts();
    this.backoff = settings.apiBackoff();
    this.clock = clock;
    ApiKey key = new ApiKey(client.config(), timeout);
    synchronized (APIS) {
      Api shared = APIS.get(key);
      if (shared == null) {
        shared = new Api(key, client.config(), timeout);
        APIS.put(key, shared);
      }
      shared.users++;
      this.api = shared;
    }
  }

  /** Shared API clients open in the process, for tests. */
  static int sharedClients() {
    synchronized (APIS) {
      return APIS.size();
    }
  }

  /** The application's configuration by identity: a different client may hold other credentials. */
  private record ApiKey(DatabricksConfig config, Duration timeout) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ApiKey k && k.config == config && k.timeout.equals(timeout);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(config) * 31 + timeout.hashCode();
    }
  }

  /** One SDK configuration copy (one OAuth token) over one LakeForge HTTP client. */
  private static final class Api {
    final ApiKey key;
    final ApiHttpClient http;
    final PostgresAPI postgres;
    final CurrentUserAPI currentUser;
    int users;

    Api(ApiKey key, DatabricksConfig shared, Duration timeout) {
      this.key = key;
      http = new ApiHttpClient(timeout);
      // A private copy without the application's header factory: it authenticates again through
      // our own HTTP client, so neither OAuth nor API calls touch the application's connections.
      // The SDK's DEBUG request log prints response bodies, and a credential response body is the
      // credential: truncating logged values to a byte keeps the log useful (keys, status)
      // without the token.
      DatabricksConfig config = shared.newWithWorkspaceHost(shared.getHost())
          .setAzureWorkspaceResourceId(shared.getAzureWorkspaceResourceId())
          .setHttpClient(http)
          .setDebugTruncateBytes(1);
      ApiClient api = new ApiClient.Builder()
          .withDatabricksConfig(config)
          .withRetryStrategyPicker(request -> error -> false)
          .build();
      this.postgres = new PostgresAPI(api);
      this.currentUser = new CurrentUserAPI(api);
    }
  }

  /**
   * Mints a credential for an endpoint path, counting every HTTP attempt in {@code apiCalls}; no
   * further attempt starts once {@code abandoned} is true (its caller gave up).
   */
  Minted mint(String endpoint, LongAdder apiCalls, BooleanSupplier abandoned) {
    return call("a Lakebase credential for " + endpoint, apiCalls, abandoned, 0, () -> {
      Instant now = clock.instant();
      DatabaseCredential c = api.postgres.generateDatabaseCredential(
          new GenerateDatabaseCredentialRequest().setEndpoint(endpoint));
      if (c == null || c.getToken() == null || c.getToken().isEmpty() || c.getExpireTime() == null) {
        throw new Unreadable("the answer had no token or no expire_time");
      }
      Instant expires =
          Instant.ofEpochSecond(c.getExpireTime().getSeconds(), c.getExpireTime().getNanos());
      return new Minted(c.getToken(), now, expires);
    });
  }

  /**
   * The host of an endpoint ({@code status.hosts.host}), all attempts ending by {@code deadline}
   * ({@link System#nanoTime()}; 0: none).
   */
  String host(String endpoint, long deadline) {
    return call("the host of " + endpoint, new LongAdder(), () -> false, deadline, () -> {
      Endpoint e = api.postgres.getEndpoint(new GetEndpointRequest().setName(endpoint));
      String host = e == null || e.getStatus() == null || e.getStatus().getHosts() == null
          ? null
          : e.getStatus().getHosts().getHost();
      if (host == null || host.isBlank()) {
        throw new LakebaseException("Endpoint " + endpoint + " has no host yet. Wait until it is"
            + " active (databricks postgres get-endpoint " + endpoint + "), then retry.");
      }
      return host;
    });
  }

  /**
   * The current Databricks identity's user name (a service principal's application id), all
   * attempts ending by {@code deadline} ({@link System#nanoTime()}; 0: none).
   */
  String currentUser(long deadline) {
    return call("the current Databricks identity", new LongAdder(), () -> false, deadline, () -> {
      User me = api.currentUser.me(new MeRequest());
      if (me == null || me.getUserName() == null) {
        throw new Unreadable("the answer had no userName");
      }
      return me.getUserName();
    });
  }

  /**
   * Attempts {@code request} up to {@code apiAttempts} times, each bounded by {@code apiTimeout}
   * and, when {@code deadline} is not 0, all of them by {@code deadline} (the caller's
   * acquisition budget): no attempt or backoff runs past it.
   */
  private <T> T call(String what, LongAdder apiCalls, BooleanSupplier abandoned, long deadline,
      Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      checkOpen(what);
      if (abandoned.getAsBoolean()) {
        throw new LakebaseException("No longer requesting " + what + ": its caller gave up.");
      }
      apiCalls.increment();
      String failure;
      long end = System.nanoTime() + timeout.toNanos();
      if (deadline != 0 && deadline - end < 0) {
        end = deadline;
      }
      try {
        return ApiHttpClient.attempt(end, scope, request);
      } catch (LakebaseClosedException e) {
        throw new LakebaseClosedException("Closed while requesting " + what + ".");
      } catch (LakebaseException e) {
        throw e;
      } catch (RuntimeException e) {
        checkOpen(what);
        failure = describe(e);
        if (!retriable(e)) {
          throw new LakebaseCredentialException("Databricks refused the request for " + what + ": "
              + failure + ". Check that the Databricks identity may use this Lakebase project and"
              + " that the endpoint exists.", null);
        }
      }
      if (attempt >= attempts) {
        throw new LakebaseCredentialException("Could not obtain " + what + " after " + attempts
            + " attempts (last: " + failure + "). Connections already open keep working; new ones"
            + " need the Databricks API to answer.", null);
      }
      long pause = pause(attempt);
      if (deadline != 0 && deadline - System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(pause) <= 0) {
        throw new LakebaseCredentialException("Could not obtain " + what + " within the"
            + " acquisition timeout (" + attempt + (attempt == 1 ? " attempt" : " attempts")
            + ", last: " + failure + "). Check that the Databricks API answers, or raise"
            + " acquisitionTimeout.", null);
      }
      String last = failure;
      LOG.log(System.Logger.Level.DEBUG, () -> "Retrying request for " + what + " after: " + last);
      sleep(pause, what);
    }
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new LakebaseClosedException("Closed while requesting " + what + ".");
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new LakebaseException("Interrupted while requesting " + what + ".");
    }
  }

  /** Full jitter: a random delay up to {@code backoff * 2^(attempt-1)}, capped at 5 s. */
  private long pause(int attempt) {
    long cap = Math.min(MAX_BACKOFF.toMillis(), backoff.toMillis() << Math.min(attempt - 1, 20));
    return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
  }

  private void sleep(long millis, String what) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakebaseException("Interrupted while waiting to retry the request for " + what + ".");
    }
  }

  private static boolean retriable(Throwable t) {
    if (t instanceof DatabricksError e) {
      int status = e.getStatusCode();
      return status == 429 || status >= 500 || status == 0;
    }
    // Transport failures (timeouts included) and answers the SDK could not read.
    return true;
  }

  /**
   * Status and error code only: SDK messages for unreadable answers may quote the body. The SDK
   * reports a read timeout as HTTP 523 IO_ERROR; it is named as what it is.
   */
  private String describe(Throwable t) {
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof java.net.SocketTimeoutException
          || c instanceof org.apache.http.conn.ConnectTimeoutException) {
        return "no answer within " + timeout.toMillis() + " ms";
      }
    }
    if (t instanceof DatabricksError e) {
      String code = e.getErrorCode() == null ? "" : " " + e.getErrorCode();
      return "HTTP " + e.getStatusCode() + code;
    }
    if (t instanceof Unreadable u) {
      return "unreadable answer (" + u.getMessage() + ")";
    }
    return "unreadable answer or transport failure (" + t.getClass().getSimpleName() + ")";
  }

  /**
   * Aborts this user's requests in flight; the last user of the shared client closes its HTTP
   * connections. Idempotent.
   */
  @Override
  public void close() {
    synchronized (APIS) {
      if (closed) {
        return;
      }
      closed = true;
      scope.close();
      if (--api.users > 0) {
        return;
      }
      APIS.remove(api.key, api);
    }
    api.http.close();
  }

  private static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }
}
