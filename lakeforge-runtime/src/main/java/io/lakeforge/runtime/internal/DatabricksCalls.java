package io.lakeforge.runtime.internal;

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
import io.lakeforge.runtime.LakebaseCredentialException;
import io.lakeforge.runtime.LakebaseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The Databricks API calls LakeForge makes, each with a hard timeout and bounded retries (full
 * jitter exponential backoff) on 429, 5xx, timeouts and unreadable answers. LakeForge's policy is
 * the only one: the SDK's own retries are switched off for these calls.
 */
public final class DatabricksCalls implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("io.lakeforge.runtime");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final PostgresAPI postgres;
  private final CurrentUserAPI currentUser;
  private final Duration timeout;
  private final int attempts;
  private final Duration backoff;
  private final Clock clock;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lakeforge-api-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });

  public DatabricksCalls(WorkspaceClient client, Duration timeout, int attempts, Duration backoff,
      Clock clock) {
    DatabricksConfig shared = client.config();
    if (shared != null) {
      // A private copy: the SDK's DEBUG request log prints response bodies, and a credential
      // response body is the credential. Truncating logged string values to a byte keeps the
      // log useful (keys, status) without the token. The caller's client is left as it was.
      DatabricksConfig config = shared.clone().setDebugTruncateBytes(1);
      ApiClient api = new ApiClient.Builder()
          .withDatabricksConfig(config)
          .withRetryStrategyPicker(request -> error -> false)
          .build();
      this.postgres = new PostgresAPI(api);
      this.currentUser = new CurrentUserAPI(api);
    } else {
      this.postgres = client.postgres();
      this.currentUser = client.currentUser();
    }
    this.timeout = timeout;
    this.attempts = attempts;
    this.backoff = backoff;
    this.clock = clock;
  }

  /** Mints a credential for an endpoint path, counting every HTTP attempt in {@code apiCalls}. */
  public Minted mint(String endpoint, LongAdder apiCalls) {
    return call("a Lakebase credential for " + endpoint, apiCalls, () -> {
      Instant now = clock.instant();
      DatabaseCredential c = postgres.generateDatabaseCredential(
          new GenerateDatabaseCredentialRequest().setEndpoint(endpoint));
      if (c == null || c.getToken() == null || c.getToken().isEmpty() || c.getExpireTime() == null) {
        throw new Unreadable("the answer had no token or no expire_time");
      }
      Instant expires =
          Instant.ofEpochSecond(c.getExpireTime().getSeconds(), c.getExpireTime().getNanos());
      return new Minted(c.getToken(), now, expires);
    });
  }

  /** The host of an endpoint ({@code status.hosts.host}). */
  public String host(String endpoint) {
    return call("the host of " + endpoint, new LongAdder(), () -> {
      Endpoint e = postgres.getEndpoint(new GetEndpointRequest().setName(endpoint));
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

  /** The current Databricks identity's user name (a service principal's application id). */
  public String currentUser() {
    return call("the current Databricks identity", new LongAdder(), () -> {
      User me = currentUser.me(new MeRequest());
      if (me == null || me.getUserName() == null) {
        throw new Unreadable("the answer had no userName");
      }
      return me.getUserName();
    });
  }

  private <T> T call(String what, LongAdder apiCalls, Supplier<T> request) {
    String last = "";
    for (int attempt = 1; ; attempt++) {
      apiCalls.increment();
      Future<T> future = executor.submit(request::get);
      String failure;
      try {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        failure = "no answer within " + timeout.toMillis() + " ms";
      } catch (InterruptedException e) {
        future.cancel(true);
        Thread.currentThread().interrupt();
        throw new LakebaseException("Interrupted while requesting " + what + ".");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof LakebaseException le) {
          throw le;
        }
        failure = describe(cause);
        if (!retriable(cause)) {
          throw new LakebaseCredentialException("Databricks refused the request for " + what + ": "
              + failure + ". Check that the Databricks identity may use this Lakebase project and"
              + " that the endpoint exists.", null);
        }
      }
      last = failure;
      if (attempt >= attempts) {
        throw new LakebaseCredentialException("Could not obtain " + what + " after " + attempts
            + " attempts (last: " + last + "). Connections already open keep working; new ones"
            + " need the Databricks API to answer.", null);
      }
      LOG.log(System.Logger.Level.DEBUG, () -> "Retrying request for " + what + " after: " + failure);
      sleep(attempt);
    }
  }

  private void sleep(int attempt) {
    long cap = Math.min(MAX_BACKOFF.toMillis(), backoff.toMillis() << Math.min(attempt - 1, 20));
    long millis = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakebaseException("Interrupted while waiting to retry a Databricks API call.");
    }
  }

  private static boolean retriable(Throwable t) {
    if (t instanceof DatabricksError e) {
      int status = e.getStatusCode();
      return status == 429 || status >= 500 || status == 0;
    }
    // Transport failures and answers the SDK could not read.
    return true;
  }

  /** Status and error code only: SDK messages for unreadable answers may quote the body. */
  private static String describe(Throwable t) {
    if (t instanceof DatabricksError e) {
      String code = e.getErrorCode() == null ? "" : " " + e.getErrorCode();
      return "HTTP " + e.getStatusCode() + code;
    }
    if (t instanceof Unreadable u) {
      return "unreadable answer (" + u.getMessage() + ")";
    }
    return "unreadable answer or transport failure (" + t.getClass().getSimpleName() + ")";
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }
}
