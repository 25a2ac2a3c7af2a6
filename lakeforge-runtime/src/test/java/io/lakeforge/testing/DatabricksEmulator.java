package io.lakeforge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * A Databricks API emulator on 127.0.0.1 for the real databricks-sdk-java: OAuth discovery and
 * token endpoint (client credentials and GitHub token exchange), a GitHub Actions ID-token URL,
 * SCIM Me, Lakebase endpoints and credentials.
 *
 * <p>Minting a credential sets it as the role's PostgreSQL password; when it expires the password
 * is rotated, so only a live credential logs in. PostgreSQL holds one password per role while
 * Lakebase accepts every live credential, so by default a mint while the current credential has
 * more than half its lifetime left returns that same credential (with its own expiry) instead of
 * replacing it; otherwise concurrent callers would lock each other out. Faults (429, 500, timeouts, malformed bodies,
 * slow answers) can be queued or drawn at random, and every kind of call is counted.
 */
public final class DatabricksEmulator implements AutoCloseable {

  /** What the next credential call does instead of answering normally. */
  public enum Fault { STATUS_429, STATUS_500, TIMEOUT, MALFORMED, SLOW }

  private static final Pattern ENDPOINT = Pattern.compile(
      "/api/2\\.0/postgres/(projects/[^/]+/branches/[^/]+/endpoints/[^/?]+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "emulator-http");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService rotations = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "emulator-rotation");
    t.setDaemon(true);
    return t;
  });
  private final DataSource superuser;
  private final String role;
  private final String clientId = "lakeforge-test-sp";
  private final String clientSecret = random(24);
  private final String githubRequestToken = random(24);
  private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
  private final Set<String> idTokens = ConcurrentHashMap.newKeySet();
  private final List<String> minted = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> missingEndpoints = ConcurrentHashMap.newKeySet();
  private final List<String> unknownRequests = Collections.synchronizedList(new ArrayList<>());
  private final Deque<Fault> queuedFaults = new ArrayDeque<>();

  private final AtomicInteger credentialCalls = new AtomicInteger();
  private final AtomicInteger endpointCalls = new AtomicInteger();
  private final AtomicInteger oauthTokenCalls = new AtomicInteger();
  private final AtomicInteger idTokenCalls = new AtomicInteger();
  private final AtomicInteger meCalls = new AtomicInteger();
  private final AtomicInteger rotationsDone = new AtomicInteger();

  private volatile Duration tokenLifetime = Duration.ofHours(1);
  private volatile Duration latency = Duration.ZERO;
  private volatile Duration timeoutDelay = Duration.ofSeconds(3);
  private volatile double faultRate;
  private volatile double slowRate;
  private volatile Random faultRandom = new Random(0);
  private volatile String endpointHost = "127.0.0.1";
  private volatile String currentPassword = "";
  private volatile Instant currentIssued = Instant.MIN;
  private volatile Instant currentExpires = Instant.MIN;
  private volatile boolean shareLiveTokens = true;
  private volatile Duration endpointLatency = Duration.ZERO;
  /** While set, credential calls are accepted and never answered (until released). */
  private volatile java.util.concurrent.CountDownLatch hang;

  private DatabricksEmulator(DataSource superuser, String role) throws IOException {
    this.superuser = superuser;
    this.role = role;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts an emulator whose credentials become the PostgreSQL password of {@code role}.
   *
   * @param superuser a connection source allowed to {@code ALTER ROLE}
   */
  public static DatabricksEmulator start(DataSource superuser, String role) throws IOException {
    return new DatabricksEmulator(superuser, role);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String clientId() {
    return clientId;
  }

  /** The OAuth M2M secret this emulator accepts; random per run, never committed. */
  public String clientSecret() {
    return clientSecret;
  }

  /** The URL the SDK fetches a GitHub Actions ID token from ({@code ACTIONS_ID_TOKEN_REQUEST_URL}). */
  public String githubIdTokenUrl() {
    return url() + "/github/idtoken";
  }

  /** The bearer token GitHub gives a job ({@code ACTIONS_ID_TOKEN_REQUEST_TOKEN}). */
  public String githubRequestToken() {
    return githubRequestToken;
  }

  /** The identity reported by SCIM Me, and the PostgreSQL role. */
  public String userName() {
    return role;
  }

  /** Lifetime of credentials minted from now on; the next mint issues a new one. */
  public synchronized void tokenLifetime(Duration lifetime) {
    tokenLifetime = lifetime;
    currentExpires = Instant.MIN;
  }

  /** Whether a mint may return the current credential while it has over half its life left. */
  public void shareLiveTokens(boolean share) {
    shareLiveTokens = share;
  }

  /** Revokes the current credential out of band: the next login with it fails with 28P01. */
  public synchronized void revokeCurrent() throws SQLException {
    setPassword("revoked-" + random(20));
    currentExpires = Instant.MIN;
  }

  /** Added to every credential call. */
  public void latency(Duration latency) {
    this.latency = latency;
  }

  /** How long a {@link Fault#TIMEOUT} call hangs before answering. */
  public void timeoutDelay(Duration delay) {
    timeoutDelay = delay;
  }

  /** Added to every getEndpoint call. */
  public void endpointLatency(Duration latency) {
    this.endpointLatency = latency;
  }

  /**
   * Hang mode: every credential call from now on is accepted and never answered, until {@code
   * hang(false)}, {@link #reset()} or {@link #close()} releases them.
   */
  public void hang(boolean on) {
    java.util.concurrent.CountDownLatch current = hang;
    if (on && current == null) {
      hang = new java.util.concurrent.CountDownLatch(1);
    } else if (!on && current != null) {
      hang = null;
      current.countDown();
    }
  }

  /** Queues faults for the next credential calls, in order. */
  public void failNext(Fault... faults) {
    synchronized (queuedFaults) {
      queuedFaults.addAll(List.of(faults));
    }
  }

  /** Random faults: {@code errorRate} of calls answer 429 or 500, {@code slowRate} take a second. */
  public void randomFaults(double errorRate, double slowRate, long seed) {
    this.faultRandom = new Random(seed);
    this.faultRate = errorRate;
    this.slowRate = slowRate;
  }

  /** Makes {@code getEndpoint} answer 404 for this path. */
  public void missingEndpoint(String path) {
    missingEndpoints.add(path);
  }

  public void endpointHost(String host) {
    endpointHost = host;
  }

  public int credentialCalls() {
    return credentialCalls.get();
  }

  public int endpointCalls() {
    return endpointCalls.get();
  }

  public int oauthTokenCalls() {
    return oauthTokenCalls.get();
  }

  public int idTokenCalls() {
    return idTokenCalls.get();
  }

  public int meCalls() {
    return meCalls.get();
  }

  public int rotations() {
    return rotationsDone.get();
  }

  /** Every credential minted so far, to check that none leaked into logs or messages. */
  public List<String> mintedTokens() {
    synchronized (minted) {
      return List.copyOf(minted);
    }
  }

  /** Every secret this emulator knows: minted credentials, access tokens, client secret, ID tokens. */
  public List<String> secrets() {
    List<String> all = new ArrayList<>(mintedTokens());
    all.addAll(accessTokens);
    all.addAll(idTokens);
    all.add(clientSecret);
    all.add(githubRequestToken);
    return all;
  }

  public List<String> unknownRequests() {
    return List.copyOf(unknownRequests);
  }

  /** Clears counters, faults and settings (not the issued OAuth tokens the SDK may cache). */
  public void reset() {
    credentialCalls.set(0);
    endpointCalls.set(0);
    oauthTokenCalls.set(0);
    idTokenCalls.set(0);
    meCalls.set(0);
    rotationsDone.set(0);
    synchronized (queuedFaults) {
      queuedFaults.clear();
    }
    faultRate = 0;
    slowRate = 0;
    latency = Duration.ZERO;
    timeoutDelay = Duration.ofSeconds(3);
    tokenLifetime = Duration.ofHours(1);
    missingEndpoints.clear();
    endpointHost = "127.0.0.1";
    endpointLatency = Duration.ZERO;
    hang(false);
    shareLiveTokens = true;
    synchronized (this) {
      currentExpires = Instant.MIN;
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      if (path.equals("/.well-known/databricks-config")) {
        send(x, 200, Map.of("oidc_endpoint", url() + "/oidc", "workspace_id", "1234567890",
            "cloud", "aws"));
      } else if (path.equals("/oidc/.well-known/oauth-authorization-server")) {
        send(x, 200, Map.of("issuer", url() + "/oidc", "authorization_endpoint",
            url() + "/oidc/v1/authorize", "token_endpoint", url() + "/oidc/v1/token"));
      } else if (path.equals("/oidc/v1/token") && method.equals("POST")) {
        oauthToken(x);
      } else if (path.equals("/github/idtoken")) {
        githubIdToken(x);
      } else if (!authorized(x)) {
        send(x, 401, error("UNAUTHENTICATED", "missing or unknown bearer token"));
      } else if (path.equals("/api/2.0/preview/scim/v2/Me")) {
        meCalls.incrementAndGet();
        send(x, 200, Map.of("userName", role, "id", "4242", "active", true));
      } else if (path.equals("/api/2.0/postgres/credentials") && method.equals("POST")) {
        credential(x);
      } else if (method.equals("GET") && ENDPOINT.matcher(path).matches()) {
        endpoint(x, path);
      } else {
        unknownRequests.add(method + " " + path);
        send(x, 404, error("NOT_FOUND", "the emulator does not serve " + path));
      }
    } catch (RuntimeException | SQLException | InterruptedException e) {
      try {
        send(x, 500, error("INTERNAL_ERROR", "emulator failure: " + e.getClass().getSimpleName()));
      } catch (IOException ignored) {
        // The client went away.
      }
    }
  }

  private boolean authorized(HttpExchange x) {
    String auth = x.getRequestHeaders().getFirst("Authorization");
    return auth != null && auth.startsWith("Bearer ") && accessTokens.contains(auth.substring(7));
  }

  private void oauthToken(HttpExchange x) throws IOException {
    oauthTokenCalls.incrementAndGet();
    Map<String, String> form = form(body(x.getRequestBody()));
    String grant = form.getOrDefault("grant_type", "");
    String id = form.get("client_id");
    String secret = form.get("client_secret");
    String basic = x.getRequestHeaders().getFirst("Authorization");
    if (basic != null && basic.startsWith("Basic ")) {
      String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)),
          StandardCharsets.UTF_8).split(":", 2);
      id = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
      secret = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : null;
    }
    boolean ok;
    if (grant.equals("client_credentials")) {
      ok = clientId.equals(id) && clientSecret.equals(secret);
    } else if (grant.equals("urn:ietf:params:oauth:grant-type:token-exchange")) {
      ok = idTokens.contains(form.getOrDefault("subject_token", "")) && clientId.equals(id);
    } else {
      ok = false;
    }
    if (!ok) {
      send(x, 401, Map.of("error", "invalid_client", "error_description", "unknown client or grant"));
      return;
    }
    String access = "emu-access-" + random(16);
    accessTokens.add(access);
    send(x, 200, Map.of("access_token", access, "token_type", "Bearer", "expires_in", 3600,
        "scope", "all-apis"));
  }

  private void githubIdToken(HttpExchange x) throws IOException {
    idTokenCalls.incrementAndGet();
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.equalsIgnoreCase("bearer " + githubRequestToken)) {
      send(x, 401, Map.of("message", "bad request token"));
      return;
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    long exp = Instant.now().plusSeconds(300).getEpochSecond();
    String payload = b64.encodeToString(("{\"iss\":\"https://token.actions.githubusercontent.com\","
        + "\"sub\":\"repo:lakeforge/lakeforge:environment:prod\",\"aud\":\"" + clientId + "\","
        + "\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
    String jwt = header + "." + payload + "." + random(16);
    idTokens.add(jwt);
    send(x, 200, Map.of("value", jwt, "count", 1));
  }

  private void endpoint(HttpExchange x, String path) throws IOException, InterruptedException {
    endpointCalls.incrementAndGet();
    sleep(endpointLatency);
    Matcher m = ENDPOINT.matcher(path);
    m.matches();
    String name = m.group(1);
    if (missingEndpoints.contains(name)) {
      send(x, 404, error("NOT_FOUND", "endpoint " + name + " does not exist"));
      return;
    }
    send(x, 200, Map.of("name", name, "status", Map.of("hosts", Map.of("host", endpointHost),
        "current_state", "ACTIVE")));
  }

  private void credential(HttpExchange x) throws IOException, SQLException, InterruptedException {
    credentialCalls.incrementAndGet();
    JsonNode request = JSON.readTree(body(x.getRequestBody()));
    String endpoint = request.path("endpoint").asText("");
    if (!endpoint.matches("projects/[^/]+/branches/[^/]+/endpoints/[^/]+")) {
      send(x, 400, error("INVALID_PARAMETER_VALUE", "endpoint is required"));
      return;
    }
    sleep(latency);
    java.util.concurrent.CountDownLatch gate = hang;
    if (gate != null) {
      gate.await();
      return;
    }
    Fault fault;
    synchronized (queuedFaults) {
      fault = queuedFaults.poll();
    }
    if (fault == null) {
      double draw;
      synchronized (this) {
        draw = faultRandom.nextDouble();
      }
      if (draw < faultRate / 2) {
        fault = Fault.STATUS_429;
      } else if (draw < faultRate) {
        fault = Fault.STATUS_500;
      } else if (draw < faultRate + slowRate) {
        fault = Fault.SLOW;
      }
    }
    if (fault != null) {
      switch (fault) {
        case STATUS_429 -> {
          send(x, 429, error("RESOURCE_EXHAUSTED", "rate limited"));
          return;
        }
        case STATUS_500 -> {
          send(x, 500, error("INTERNAL_ERROR", "backend unavailable"));
          return;
        }
        case MALFORMED -> {
          sendRaw(x, 200, "{\"token\": \"trunc");
          return;
        }
        case TIMEOUT -> {
          sleep(timeoutDelay);
          send(x, 503, error("TEMPORARILY_UNAVAILABLE", "too late"));
          return;
        }
        case SLOW -> sleep(Duration.ofSeconds(1));
      }
    }
    Issued issued = mint();
    send(x, 200, Map.of("token", issued.token(), "expire_time", issued.expires().toString()));
  }

  private record Issued(String token, Instant expires) {}

  private synchronized Issued mint() throws SQLException {
    Instant now = Instant.now();
    Duration lived = Duration.between(currentIssued, currentExpires);
    if (shareLiveTokens && now.isBefore(currentExpires.minus(lived.dividedBy(2)))) {
      return new Issued(currentPassword, currentExpires);
    }
    String token = "emu-pg-" + random(20);
    setPassword(token);
    currentIssued = now;
    currentExpires = now.plus(tokenLifetime);
    minted.add(token);
    long delay = tokenLifetime.toMillis();
    rotations.schedule(() -> {
      synchronized (DatabricksEmulator.this) {
        if (token.equals(currentPassword)) {
          try {
            setPassword("expired-" + random(20));
            rotationsDone.incrementAndGet();
          } catch (SQLException e) {
            // The server is shutting down.
          }
        }
      }
    }, delay, TimeUnit.MILLISECONDS);
    return new Issued(token, currentExpires);
  }

  private void setPassword(String password) throws SQLException {
    // The SCRAM verifier is computed client-side, so the credential never travels in SQL text
    // (which the driver logs at its finest level).
    try (Connection c = superuser.getConnection()) {
      c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
    }
    currentPassword = password;
  }

  private static Map<String, Object> error(String code, String message) {
    return Map.of("error_code", code, "message", message);
  }

  private static void send(HttpExchange x, int status, Object body) throws IOException {
    sendRaw(x, status, JSON.writeValueAsString(body));
  }

  private static void sendRaw(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String body(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static void sleep(Duration d) throws InterruptedException {
    if (!d.isZero()) {
      Thread.sleep(d.toMillis());
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Override
  public void close() {
    hang(false);
    server.stop(0);
    handlers.shutdownNow();
    rotations.shutdownNow();
  }
}
