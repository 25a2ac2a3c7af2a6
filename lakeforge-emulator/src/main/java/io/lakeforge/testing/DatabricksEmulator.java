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
import java.util.TreeMap;
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
 * replacing it; otherwise concurrent callers would lock each other out.
 *
 * <p>Branches: create (a long-running operation), get, list, update (TTL / expiry), delete and TTL
 * expiry. A created branch is a separate PostgreSQL server started from a physical copy of its
 * source's server, on its own loopback address (127.0.0.2, 127.0.0.3, …) and the same port; its
 * {@code primary} endpoint answers with that host. Branches the emulator did not create (declared
 * ones, registered with {@link #existingBranch}) live on the base server. Faults (429, 500, timeouts, malformed bodies,
 * slow answers) can be queued or drawn at random, and every kind of call is counted.
 */
public final class DatabricksEmulator implements AutoCloseable {

  /** What the next credential call does instead of answering normally. */
  public enum Fault { STATUS_429, STATUS_500, TIMEOUT, MALFORMED, SLOW }

  private static final Pattern ENDPOINT = Pattern.compile(
      "/api/2\\.0/postgres/(projects/[^/]+/branches/[^/]+/endpoints/[^/?]+)");
  private static final Pattern BRANCHES = Pattern.compile(
      "/api/2\\.0/postgres/projects/([^/]+)/branches");
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
  /** Access tokens issued, with the identity each one stands for. */
  private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
  /** Service principals (application ids) that may log in, with their display names. */
  private final Map<String, String> principals = new ConcurrentHashMap<>();
  /** Every call that changes something, as {@code principal METHOD path}. */
  private final List<String> writes = Collections.synchronizedList(new ArrayList<>());
  private final WorkspaceFiles workspace = new WorkspaceFiles();
  /** Lakebase resource paths ({@code projects/…}) whose GET answers 403 to everyone. */
  private final Set<String> deniedReads = ConcurrentHashMap.newKeySet();
  private final PostgresResources postgres = new PostgresResources(this);
  private final List<Route> routes;
  private final Set<String> idTokens = ConcurrentHashMap.newKeySet();
  private final List<String> minted = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> missingEndpoints = ConcurrentHashMap.newKeySet();
  private final Set<String> deletedBranches = ConcurrentHashMap.newKeySet();
  private final List<String> unknownRequests = Collections.synchronizedList(new ArrayList<>());
  private final Deque<Fault> queuedFaults = new ArrayDeque<>();
  /** Moved on by {@link #reset()}: a request that waited through a reset leaves the new state be. */
  private final AtomicInteger resets = new AtomicInteger();

  private final AtomicInteger credentialCalls = new AtomicInteger();
  private final AtomicInteger endpointCalls = new AtomicInteger();
  private final AtomicInteger oauthTokenCalls = new AtomicInteger();
  private final AtomicInteger idTokenCalls = new AtomicInteger();
  private final AtomicInteger meCalls = new AtomicInteger();
  private final AtomicInteger rotationsDone = new AtomicInteger();
  private final AtomicInteger branchCalls = new AtomicInteger();
  private final AtomicInteger operationPolls = new AtomicInteger();

  /** Branches by path ({@code projects/P/branches/B}). */
  private final Map<String, EmuBranch> branches = new ConcurrentHashMap<>();
  private final Map<String, EmuOperation> operations = new ConcurrentHashMap<>();
  private final ExecutorService copier = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "emulator-branch-copy");
    t.setDaemon(true);
    return t;
  });
  private volatile Duration operationDelay = Duration.ZERO;
  private volatile java.nio.file.Path branchRoot =
      java.nio.file.Path.of("target", "emulator-branches").toAbsolutePath();

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
  /** While set, credential calls answer 503: the current credential lives out its lifetime. */
  private volatile boolean stopMinting;

  private DatabricksEmulator(DataSource superuser, String role, InetSocketAddress bind)
      throws IOException {
    this.superuser = superuser;
    this.role = role;
    server = HttpServer.create(bind, 64);
    server.setExecutor(handlers);
    principals.put(clientId, role);
    routes = routes();
    server.createContext("/", this::handle);
    server.start();
    rotations.scheduleWithFixedDelay(this::expireBranches, 200, 200, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts an emulator whose credentials become the PostgreSQL password of {@code role}.
   *
   * @param superuser a connection source allowed to {@code ALTER ROLE}
   */
  public static DatabricksEmulator start(DataSource superuser, String role) throws IOException {
    return new DatabricksEmulator(superuser, role,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /**
   * Starts an emulator on {@code bind} (port 0: one the OS picks). Whether a non-loopback address
   * is wise is the caller's decision; the {@code /emulator/} control calls answer loopback
   * clients only.
   */
  public static DatabricksEmulator start(DataSource superuser, String role, InetSocketAddress bind)
      throws IOException {
    return new DatabricksEmulator(superuser, role, bind);
  }

  /** The base URL ({@code DATABRICKS_HOST}): the bound address, 127.0.0.1 for a wildcard bind. */
  public String url() {
    InetAddress a = server.getAddress().getAddress();
    String host = a == null || a.isAnyLocalAddress() ? "127.0.0.1"
        : a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    return "http://" + host + ":" + server.getAddress().getPort();
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

  /**
   * Stop-minting mode: every credential call answers 503 until {@code stopMinting(false)} or
   * {@link #reset()}; the credential already issued keeps logging in until it expires.
   */
  public void stopMinting(boolean on) {
    stopMinting = on;
  }

  /**
   * The faults in force, as {@code POST /emulator/faults} answers them: {@code fail-rate},
   * {@code latency}, {@code credential-lifetime} (ISO-8601 durations), {@code hang} and
   * {@code stop-minting}.
   */
  public Map<String, Object> faults() {
    Map<String, Object> f = new java.util.LinkedHashMap<>();
    f.put("fail-rate", faultRate);
    f.put("latency", latency.toString());
    f.put("credential-lifetime", tokenLifetime.toString());
    f.put("hang", hang != null);
    f.put("stop-minting", stopMinting);
    return f;
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
    all.addAll(accessTokens.keySet());
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
    resets.incrementAndGet();
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
    stopMinting = false;
    shareLiveTokens = true;
    synchronized (this) {
      currentExpires = Instant.MIN;
    }
  }

  /** What serves one request: the caller's identity is known by then. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange x, Matcher m, String caller)
        throws IOException, SQLException, InterruptedException;
  }

  /** One row of the routing table: a method and a whole-path pattern. */
  record Route(String method, Pattern path, Handler handler) {
    static Route of(String method, String regex, Handler handler) {
      return new Route(method, Pattern.compile(regex), handler);
    }
  }

  private List<Route> routes() {
    String branch = "/api/2\\.0/postgres/(projects/([^/]+)/branches/([^/]+))";
    List<Route> table = new ArrayList<>(List.of(
        Route.of("GET", "/api/2\\.0/preview/scim/v2/Me", (x, m, who) -> me(x, who)),
        Route.of("POST", "/api/2\\.0/postgres/credentials", (x, m, who) -> credential(x, who)),
        Route.of("GET", ENDPOINT.pattern(), (x, m, who) -> endpoint(x, m.group(1), who)),
        Route.of("GET", BRANCHES.pattern(), (x, m, who) -> branches(x, m.group(1), who, false)),
        Route.of("POST", BRANCHES.pattern(), (x, m, who) -> branches(x, m.group(1), who, true)),
        Route.of("GET", branch, (x, m, who) -> branch(x, m, who)),
        Route.of("DELETE", branch, (x, m, who) -> branch(x, m, who)),
        Route.of("PATCH", branch, (x, m, who) -> branch(x, m, who)),
        Route.of("POST", "/telemetry-ext", (x, m, who) -> send(x, 200, Map.of("errors", List.of(),
            "numProtoSuccess", json(x).path("protoLogs").size())))));
    table.addAll(postgres.routes());
    table.addAll(workspace.routes());
    return List.copyOf(table);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      if (path.equals("/.well-known/databricks-config")) {
        send(x, 200, Map.of("oidc_endpoint", url() + "/oidc", "workspace_id", "1234567890",
            "cloud", "aws"));
        return;
      } else if (path.equals("/oidc/.well-known/oauth-authorization-server")) {
        send(x, 200, Map.of("issuer", url() + "/oidc", "authorization_endpoint",
            url() + "/oidc/v1/authorize", "token_endpoint", url() + "/oidc/v1/token"));
        return;
      } else if (path.equals("/oidc/v1/token") && method.equals("POST")) {
        oauthToken(x);
        return;
      } else if (path.equals("/github/idtoken")) {
        githubIdToken(x);
        return;
      } else if (path.startsWith("/emulator/")) {
        control(x, path.substring("/emulator/".length()), method);
        return;
      }
      String caller = caller(x);
      if (caller == null) {
        send(x, 401, error("UNAUTHENTICATED", "missing or unknown bearer token"));
        return;
      }
      if (method.equals("GET") && deniedReads.contains(path.replaceFirst("^/api/2\\.0/postgres/", ""))) {
        send(x, 403, error("PERMISSION_DENIED", caller + " may not read " + path));
        return;
      }
      for (Route route : routes) {
        Matcher m = route.path().matcher(path);
        if (route.method().equals(method) && m.matches()) {
          if (!method.equals("GET") && !path.equals("/telemetry-ext")
              && !path.equals("/api/2.0/postgres/credentials")) {
            writes.add(caller + " " + method + " " + path);
          }
          route.handler().handle(x, m, caller);
          return;
        }
      }
      unexpected(x);
    } catch (RuntimeException | SQLException | InterruptedException e) {
      try {
        send(x, 500, error("INTERNAL_ERROR", "emulator failure: " + e.getClass().getSimpleName()));
      } catch (IOException ignored) {
        // The client went away.
      }
    }
  }

  /**
   * The test harness's calls on loopback: {@code GET state}; {@code PUT workspace?path=P} (the
   * body becomes that workspace file, as its owner would write it); {@code POST deny-read?path=P}
   * and {@code POST allow-read?path=P} (GETs of the Lakebase resource P answer 403);
   * {@code POST operation-delay?seconds=N} (see {@link #operationDelay}); {@code GET faults} and
   * {@code POST faults?fail-rate=R&latency=D&credential-lifetime=D&hang=B&stop-minting=B}
   * (any of them; {@code reset=true} first clears every fault and counter; durations as
   * {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601) answer the faults in force.
   * Only loopback clients reach them (403 otherwise).
   */
  private void control(HttpExchange x, String what, String method) throws IOException {
    if (!x.getRemoteAddress().getAddress().isLoopbackAddress()) {
      send(x, 403, error("PERMISSION_DENIED", "the emulator's control calls answer loopback only"));
      return;
    }
    String target = query(x).getOrDefault("path", "");
    switch (method + " " + what) {
      case "GET state" -> send(x, 200, state());
      case "GET faults" -> send(x, 200, faults());
      case "POST faults" -> {
        try {
          applyFaults(query(x));
        } catch (IllegalArgumentException e) {
          send(x, 400, error("INVALID_PARAMETER_VALUE", e.getMessage()));
          return;
        }
        send(x, 200, faults());
      }
      case "PUT workspace" -> {
        workspace.put(target, x.getRequestBody().readAllBytes());
        send(x, 200, Map.of());
      }
      case "POST deny-read" -> {
        deniedReads.add(target);
        send(x, 200, Map.of());
      }
      case "POST allow-read" -> {
        deniedReads.remove(target);
        send(x, 200, Map.of());
      }
      case "POST operation-delay" -> {
        operationDelay(Duration.ofSeconds(Long.parseLong(query(x).getOrDefault("seconds", "0"))));
        send(x, 200, Map.of());
      }
      default -> unexpected(x);
    }
  }

  /**
   * Applies the named faults ({@code fail-rate}, {@code latency}, {@code credential-lifetime},
   * {@code hang}, {@code stop-minting}; {@code reset=true} clears everything first), all checked
   * before any takes effect.
   *
   * @throws IllegalArgumentException naming the first bad or unknown parameter
   */
  public void applyFaults(Map<String, String> knobs) {
    Set<String> known = Set.of("reset", "fail-rate", "latency", "credential-lifetime", "hang",
        "stop-minting");
    for (String k : knobs.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(k + ": unknown fault (known: fail-rate, latency,"
            + " credential-lifetime, hang, stop-minting, reset)");
      }
    }
    boolean reset = knobs.containsKey("reset") && FaultValues.bool("reset", knobs.get("reset"));
    Double rate = knobs.containsKey("fail-rate")
        ? FaultValues.rate("fail-rate", knobs.get("fail-rate")) : null;
    Duration lat = knobs.containsKey("latency")
        ? FaultValues.duration("latency", knobs.get("latency"), false) : null;
    Duration life = knobs.containsKey("credential-lifetime")
        ? FaultValues.duration("credential-lifetime", knobs.get("credential-lifetime"), true) : null;
    Boolean hangOn = knobs.containsKey("hang") ? FaultValues.bool("hang", knobs.get("hang")) : null;
    Boolean stop = knobs.containsKey("stop-minting")
        ? FaultValues.bool("stop-minting", knobs.get("stop-minting")) : null;
    if (reset) {
      reset();
    }
    if (rate != null) {
      randomFaults(rate, 0, RANDOM.nextLong());
    }
    if (lat != null) {
      latency(lat);
    }
    if (life != null) {
      tokenLifetime(life);
    }
    if (hangOn != null) {
      hang(hangOn);
    }
    if (stop != null) {
      stopMinting(stop);
    }
  }

  /** Records a request no route serves and answers 404 naming it. */
  void unexpected(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    unknownRequests.add(x.getRequestMethod() + " " + path);
    send(x, 404, error("NOT_FOUND", "the emulator does not serve " + x.getRequestMethod() + " "
        + path));
  }

  private void me(HttpExchange x, String caller) throws IOException {
    meCalls.incrementAndGet();
    send(x, 200, Map.of("userName", caller, "displayName", principals.getOrDefault(
        caller.equals(role) ? clientId : caller, caller),
        "id", Integer.toString(4242 + Math.abs(caller.hashCode() % 1000)), "active", true));
  }

  private void branches(HttpExchange x, String projectId, String caller, boolean create)
      throws IOException {
    branchCalls.incrementAndGet();
    expireBranches();
    if (!postgres.allowed(x, caller, projectId, create)) {
      return;
    }
    if (create) {
      createBranch(x, projectId);
    } else {
      listBranches(x, projectId);
    }
  }

  private void branch(HttpExchange x, Matcher m, String caller) throws IOException {
    branchCalls.incrementAndGet();
    expireBranches();
    String method = x.getRequestMethod();
    if (!postgres.allowed(x, caller, m.group(2), !method.equals("GET"))) {
      return;
    }
    switch (method) {
      case "GET" -> getBranch(x, m.group(1));
      case "DELETE" -> deleteBranch(x, m.group(1));
      default -> updateBranch(x, m.group(1));
    }
  }

  /**
   * The emulator's state for assertions: projects with their permission lists, branches with
   * their endpoints, roles and databases, workspace paths, the changing calls by identity and the
   * requests no route served. Holds no credential.
   */
  public Map<String, Object> state() {
    expireBranches();
    Map<String, Object> projects = new TreeMap<>(postgres.state());
    for (EmuBranch b : List.copyOf(branches.values())) {
      @SuppressWarnings("unchecked")
      Map<String, Object> project = (Map<String, Object>) projects.computeIfAbsent(b.projectId,
          k -> new java.util.LinkedHashMap<String, Object>());
      @SuppressWarnings("unchecked")
      Map<String, Object> list = (Map<String, Object>) project.computeIfAbsent("branches",
          k -> new TreeMap<String, Object>());
      Map<String, Object> branch = new java.util.LinkedHashMap<>();
      branch.put("protected", b.isProtected);
      branch.put("expire_time", b.expires == null ? null : b.expires.toString());
      branch.put("source_branch", b.source);
      branch.put("host", hostOf(b.path));
      branch.putAll(postgres.children(b.path));
      list.put(b.branchId, branch);
    }
    Map<String, Object> state = new java.util.LinkedHashMap<>();
    state.put("projects", projects);
    state.put("workspace", workspace.paths());
    state.put("writes", List.copyOf(writes));
    state.put("unexpected", List.copyOf(unknownRequests));
    return state;
  }

  /**
   * Lets another service principal log in (OAuth M2M with this emulator's secret, or a GitHub ID
   * token exchanged for {@code applicationId}); SCIM Me then reports it as the caller.
   */
  public void addPrincipal(String applicationId, String displayName) {
    principals.put(applicationId, displayName);
  }

  /** The workspace files (bundle state, locks) the emulator keeps, for tests that arrange them. */
  public void workspaceFile(String path, byte[] content) {
    workspace.put(path, content);
  }

  // ---- what PostgresResources needs of the branches ---------------------------------------------

  void projectCreated(String projectId) {
    String root = "projects/" + projectId + "/branches/production";
    deletedBranches.remove(root);
    lookup(root);
  }

  void projectGone(String projectId) {
    for (EmuBranch b : List.copyOf(branches.values())) {
      if (b.projectId.equals(projectId)) {
        remove(b);
      }
    }
    deletedBranches.add("projects/" + projectId + "/branches/production");
  }

  boolean hasProtectedBranch(String projectId) {
    expireBranches();
    return branches.values().stream().anyMatch(b -> b.projectId.equals(projectId) && b.isProtected);
  }

  boolean branchExists(String path) {
    return lookup(path) != null;
  }

  /** The host of a branch's endpoints: its own server's, or the base server's. */
  String hostOf(String branchPath) {
    EmuBranch b = branches.get(branchPath);
    BranchServer own = b == null ? null : b.server();
    return own == null ? endpointHost : own.host();
  }

  /** The identity of the request's bearer token, or null. */
  private String caller(HttpExchange x) {
    String auth = x.getRequestHeaders().getFirst("Authorization");
    return auth != null && auth.startsWith("Bearer ") ? accessTokens.get(auth.substring(7)) : null;
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
      ok = id != null && principals.containsKey(id) && clientSecret.equals(secret);
    } else if (grant.equals("urn:ietf:params:oauth:grant-type:token-exchange")) {
      ok = idTokens.contains(form.getOrDefault("subject_token", "")) && id != null
          && principals.containsKey(id);
    } else {
      ok = false;
    }
    if (!ok) {
      send(x, 401, Map.of("error", "invalid_client", "error_description", "unknown client or grant"));
      return;
    }
    String access = "emu-access-" + random(16);
    // The emulator's own client logs in as the role it mints credentials for (its userName).
    accessTokens.put(access, id.equals(clientId) ? role : id);
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

  private void endpoint(HttpExchange x, String name, String caller)
      throws IOException, InterruptedException {
    endpointCalls.incrementAndGet();
    sleep(endpointLatency);
    String projectId = name.substring("projects/".length(), name.indexOf("/branches/"));
    if (!postgres.allowed(x, caller, projectId, false)) {
      return;
    }
    Map<String, Object> created = postgres.endpoint(name);
    if (created != null) {
      send(x, 200, created);
      return;
    }
    if (postgres.known(projectId)) {
      send(x, 404, error("NOT_FOUND", "endpoint " + name + " does not exist"));
      return;
    }
    if (missingEndpoints.contains(name)) {
      send(x, 404, error("NOT_FOUND", "endpoint " + name + " does not exist"));
      return;
    }
    String branchPath = name.substring(0, name.indexOf("/endpoints/"));
    EmuBranch branch = branches.get(branchPath);
    if (branch != null && branch.copy != null) {
      if (!name.endsWith("/endpoints/primary")) {
        send(x, 404, error("NOT_FOUND", "endpoint " + name + " does not exist"));
        return;
      }
      BranchServer own = branch.server();
      if (own == null) {
        send(x, 200, Map.of("name", name, "status", Map.of("current_state", "INIT",
            "endpoint_type", "ENDPOINT_TYPE_READ_WRITE")));
        return;
      }
      send(x, 200, Map.of("name", name, "status", Map.of("hosts",
          Map.of("host", own.host()), "current_state", "ACTIVE",
          "endpoint_type", "ENDPOINT_TYPE_READ_WRITE")));
      return;
    }
    if (branch == null && deletedBranches.contains(branchPath)) {
      send(x, 404, error("NOT_FOUND", "branch " + branchPath + " does not exist"));
      return;
    }
    send(x, 200, Map.of("name", name, "status", Map.of("hosts", Map.of("host", endpointHost),
        "current_state", "ACTIVE")));
  }

  private void credential(HttpExchange x, String caller)
      throws IOException, SQLException, InterruptedException {
    int arrivedIn = resets.get();
    credentialCalls.incrementAndGet();
    JsonNode request = JSON.readTree(body(x.getRequestBody()));
    String endpoint = request.path("endpoint").asText("");
    if (!endpoint.matches("projects/[^/]+/branches/[^/]+/endpoints/[^/]+")) {
      send(x, 400, error("INVALID_PARAMETER_VALUE", "endpoint is required"));
      return;
    }
    if (!postgres.allowed(x, caller, endpoint.substring("projects/".length(),
        endpoint.indexOf("/branches/")), false)) {
      return;
    }
    String branchPath = endpoint.substring(0, endpoint.indexOf("/endpoints/"));
    if (!branches.containsKey(branchPath) && deletedBranches.contains(branchPath)) {
      send(x, 404, error("NOT_FOUND", "branch " + branchPath + " does not exist"));
      return;
    }
    sleep(latency);
    java.util.concurrent.CountDownLatch gate = hang;
    if (gate != null) {
      gate.await();
      return;
    }
    if (stopMinting) {
      send(x, 503, error("TEMPORARILY_UNAVAILABLE", "the emulator stopped minting credentials"));
      return;
    }
    Fault fault = null;
    boolean stale = resets.get() != arrivedIn; // its test is over: the faults now are the next one's
    if (!stale) {
      synchronized (queuedFaults) {
        fault = queuedFaults.poll();
      }
    }
    if (fault == null && !stale) {
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
    for (EmuBranch b : branches.values()) {
      BranchServer server = b.server();
      if (server != null) {
        try (Connection c = server.superuser().getConnection()) {
          c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(),
              "scram-sha-256");
        } catch (SQLException e) {
          // The branch is being deleted.
        }
      }
    }
    currentPassword = password;
  }

  static Map<String, Object> error(String code, String message) {
    return Map.of("error_code", code, "message", message);
  }

  static void send(HttpExchange x, int status, Object body) throws IOException {
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

  /** The request's query parameters, decoded. */
  static Map<String, String> query(HttpExchange x) {
    String raw = x.getRequestURI().getRawQuery();
    return form(raw == null ? "" : raw);
  }

  /** The request's body as JSON (an empty object when there is none). */
  static JsonNode json(HttpExchange x) throws IOException {
    String body = body(x.getRequestBody());
    return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
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

  // ---- Branches -------------------------------------------------------------------------------

  /** One branch the emulator knows: declared (on the base server) or created (its own server). */
  private static final class EmuBranch {
    final String path;
    final String projectId;
    final String branchId;
    final String source;
    final Instant created = Instant.now();
    final String uid = "br-" + random(8);
    volatile Instant expires;
    volatile boolean isProtected;
    volatile BranchServer server;
    volatile String state = "READY";
    volatile java.util.concurrent.Future<?> copy;

    EmuBranch(String projectId, String branchId, String source) {
      this.path = "projects/" + projectId + "/branches/" + branchId;
      this.projectId = projectId;
      this.branchId = branchId;
      this.source = source;
    }

    BranchServer server() {
      return server;
    }
  }

  private record EmuOperation(String name, EmuBranch branch, java.util.concurrent.Future<?> work) {}

  /** Whether a created branch's operation is over: its copy runs and the operation delay passed. */
  private boolean settled(EmuBranch b) {
    java.util.concurrent.Future<?> copy = b.copy;
    return copy == null || (copy.isDone() && !Instant.now().isBefore(b.created.plus(operationDelay)));
  }

  private void refreshState(EmuBranch b) {
    if (b.state.equals("INIT") && settled(b) && b.server() != null) {
      b.state = "READY";
    }
  }

  /**
   * Registers a branch that exists without the API having created it (a declared branch, served by
   * the base server). Every project also has {@code production}, which cannot be deleted.
   */
  public void existingBranch(String projectId, String branchId, boolean isProtected) {
    EmuBranch b = new EmuBranch(projectId, branchId, null);
    b.isProtected = isProtected;
    branches.put(b.path, b);
    deletedBranches.remove(b.path);
  }

  /** How long a create operation stays pending at least (on top of copying the source). */
  public void operationDelay(Duration delay) {
    operationDelay = delay;
  }

  /** Where branch servers keep their data (default {@code target/emulator-branches}). */
  public void branchRoot(java.nio.file.Path root) {
    branchRoot = root.toAbsolutePath();
  }

  /** Branch API calls (create, get, list, update, delete) so far. */
  public int branchCalls() {
    return branchCalls.get();
  }

  /** Polls of long-running operations so far. */
  public int operationPolls() {
    return operationPolls.get();
  }

  /** Servers running for created branches. */
  public int branchServers() {
    int n = 0;
    for (EmuBranch b : branches.values()) {
      n += b.server() == null ? 0 : 1;
    }
    return n;
  }

  /** Whether the emulator currently has this branch ({@code projects/P/branches/B}). */
  public boolean hasBranch(String path) {
    expireBranches();
    return branches.containsKey(path) || isRoot(path);
  }

  /** The trusted superuser of a created branch's own server (the harness only). */
  public DataSource branchSuperuser(String path) {
    EmuBranch b = branches.get(path);
    BranchServer server = b == null ? null : b.server();
    if (server == null) {
      throw new IllegalArgumentException("no server for " + path);
    }
    return server.superuser();
  }

  private boolean isRoot(String path) {
    return path.endsWith("/branches/production") && !deletedBranches.contains(path);
  }

  private EmuBranch lookup(String path) {
    EmuBranch b = branches.get(path);
    if (b == null && isRoot(path)) {
      String projectId = path.substring("projects/".length(), path.indexOf("/branches/"));
      b = new EmuBranch(projectId, "production", null);
      EmuBranch raced = branches.putIfAbsent(path, b);
      b = raced == null ? b : raced;
    }
    return b;
  }

  private void createBranch(HttpExchange x, String projectId) throws IOException {
    Map<String, String> query = form(x.getRequestURI().getRawQuery() == null ? ""
        : x.getRequestURI().getRawQuery());
    String branchId = query.getOrDefault("branch_id", "");
    if (!branchId.matches("[a-z]([a-z0-9-]{0,61}[a-z0-9])?")) {
      send(x, 400, error("INVALID_PARAMETER_VALUE", "branch_id must be 1-63 characters: a lowercase"
          + " letter, then lowercase letters, digits and hyphens"));
      return;
    }
    JsonNode body = JSON.readTree(body(x.getRequestBody()));
    JsonNode spec = body.path("spec");
    String path = "projects/" + projectId + "/branches/" + branchId;
    EmuBranch existing = lookup(path);
    if (existing != null && Boolean.parseBoolean(query.getOrDefault("replace_existing", "false"))) {
      // Taken over as it is (its data stays); the declared spec is applied in place.
      try {
        existing.expires = expiry(spec, false);
      } catch (IllegalArgumentException e) {
        send(x, 400, error("INVALID_PARAMETER_VALUE", e.getMessage()));
        return;
      }
      existing.isProtected = spec.path("is_protected").asBoolean(false);
      postgres.branchCreated(path);
      String name = path + "/operations/" + random(8);
      operations.put(name, new EmuOperation(name, existing,
          java.util.concurrent.CompletableFuture.completedFuture(null)));
      send(x, 200, Map.of("name", name, "done", false, "metadata", Map.of()));
      return;
    }
    if (existing != null) {
      send(x, 409, error("ALREADY_EXISTS", "branch with such id already exists"));
      return;
    }
    String sourcePath = spec.path("source_branch").asText("projects/" + projectId
        + "/branches/production");
    EmuBranch source = lookup(sourcePath);
    if (source == null || !source.state.equals("READY")) {
      send(x, 404, error("NOT_FOUND", "source branch " + sourcePath + " does not exist"));
      return;
    }
    Instant expires;
    try {
      expires = expiry(spec, true);
    } catch (IllegalArgumentException e) {
      send(x, 400, error("INVALID_PARAMETER_VALUE", e.getMessage()));
      return;
    }
    EmuBranch b = new EmuBranch(projectId, branchId, sourcePath);
    b.expires = expires;
    b.isProtected = spec.path("is_protected").asBoolean(false);
    b.state = "INIT";
    branches.put(path, b);
    deletedBranches.remove(path);
    postgres.branchCreated(path);
    BranchServer sourceServer = source.server();
    DataSource from = sourceServer == null ? superuser : sourceServer.superuser();
    java.util.concurrent.Future<?> work = copier.submit(() -> {
      BranchServer copy = null;
      for (int attempt = 0; copy == null; attempt++) {
        try {
          // Its own loopback address, from the JVM's free list (BranchServer.ADDRESSES).
          copy = BranchServer.copyOf(from, branchRoot);
        } catch (IOException e) {
          if (attempt >= 3) {
            throw e;
          }
        }
      }
      synchronized (DatabricksEmulator.this) {
        if (branches.get(path) != b) {
          copy.close();
          return null;
        }
        b.server = copy;
        if (!currentPassword.isEmpty()) {
          try (Connection c = copy.superuser().getConnection()) {
            c.unwrap(PGConnection.class).alterUserPassword(role, currentPassword.toCharArray(),
                "scram-sha-256");
          }
        }
      }
      return null;
    });
    b.copy = work;
    String name = path + "/operations/" + random(8);
    operations.put(name, new EmuOperation(name, b, work));
    send(x, 200, Map.of("name", name, "done", false, "metadata", Map.of()));
  }

  /** Answers the poll of a branch's create operation (PostgresResources owns the others). */
  void branchOperation(HttpExchange x, String name) throws IOException {
    operationPolls.incrementAndGet();
    EmuOperation op = operations.get(name);
    if (op == null) {
      send(x, 404, error("NOT_FOUND", "operation " + name + " does not exist"));
      return;
    }
    if (!settled(op.branch())) {
      send(x, 200, Map.of("name", op.name(), "done", false, "metadata", Map.of()));
      return;
    }
    try {
      op.work().get();
    } catch (java.util.concurrent.ExecutionException | InterruptedException
        | java.util.concurrent.CancellationException e) {
      branches.remove(op.branch().path, op.branch());
      Throwable cause = e.getCause() == null ? e : e.getCause();
      send(x, 200, Map.of("name", op.name(), "done", true, "error", error("INTERNAL_ERROR",
          "branch copy failed: " + cause)));
      return;
    }
    if (branches.get(op.branch().path) != op.branch()) {
      send(x, 200, Map.of("name", op.name(), "done", true, "error", error("NOT_FOUND",
          "branch " + op.branch().path + " was deleted")));
      return;
    }
    op.branch().state = "READY";
    send(x, 200, Map.of("name", op.name(), "done", true, "response", branchJson(op.branch())));
  }

  private void getBranch(HttpExchange x, String path) throws IOException {
    EmuBranch b = lookup(path);
    if (b == null) {
      send(x, 404, error("NOT_FOUND", "branch " + path + " does not exist"));
      return;
    }
    send(x, 200, branchJson(b));
  }

  private void listBranches(HttpExchange x, String projectId) throws IOException {
    lookup("projects/" + projectId + "/branches/production");
    List<Object> list = new ArrayList<>();
    branches.values().stream()
        .filter(b -> b.projectId.equals(projectId))
        .sorted(java.util.Comparator.comparing((EmuBranch b) -> b.created)
            .thenComparing(b -> b.branchId))
        .forEach(b -> list.add(branchJson(b)));
    send(x, 200, Map.of("branches", list));
  }

  private void deleteBranch(HttpExchange x, String path) throws IOException {
    EmuBranch b = lookup(path);
    if (b == null) {
      send(x, 404, error("NOT_FOUND", "branch " + path + " does not exist"));
      return;
    }
    if (b.branchId.equals("production")) {
      send(x, 400, error("BAD_REQUEST", "cannot delete the project's root branch"));
      return;
    }
    if (b.isProtected) {
      send(x, 400, error("BAD_REQUEST", "cannot delete protected branch"));
      return;
    }
    remove(b);
    postgres.finish(x, path, Map.of());
  }

  private void updateBranch(HttpExchange x, String path) throws IOException {
    EmuBranch b = lookup(path);
    if (b == null) {
      send(x, 404, error("NOT_FOUND", "branch " + path + " does not exist"));
      return;
    }
    Map<String, String> query = form(x.getRequestURI().getRawQuery() == null ? ""
        : x.getRequestURI().getRawQuery());
    String mask = query.getOrDefault("update_mask", "");
    JsonNode body = JSON.readTree(body(x.getRequestBody()));
    JsonNode spec = body.path("spec");
    try {
      if (mask.contains("ttl") || mask.contains("expire_time") || mask.contains("no_expiry")) {
        b.expires = expiry(spec, false);
      }
    } catch (IllegalArgumentException e) {
      send(x, 400, error("INVALID_PARAMETER_VALUE", e.getMessage()));
      return;
    }
    if (mask.contains("is_protected")) {
      b.isProtected = spec.path("is_protected").asBoolean(false);
    }
    postgres.finish(x, path, branchJson(b));
  }

  /** Exactly one of ttl, expire_time and no_expiry=true; at most 30 days. */
  private static Instant expiry(JsonNode spec,
      boolean creating) {
    boolean ttl = spec.hasNonNull("ttl");
    boolean at = spec.hasNonNull("expire_time");
    boolean never = spec.path("no_expiry").asBoolean(false);
    if ((ttl ? 1 : 0) + (at ? 1 : 0) + (never ? 1 : 0) != 1) {
      throw new IllegalArgumentException("exactly one of ttl, expire_time and no_expiry: true is"
          + " required" + (creating ? " for a new branch" : ""));
    }
    if (never) {
      return null;
    }
    Instant now = Instant.now();
    Instant expires;
    if (ttl) {
      String text = spec.get("ttl").asText();
      if (!text.matches("\\d+(\\.\\d+)?s")) {
        throw new IllegalArgumentException("ttl must be a duration such as \"604800s\"");
      }
      double seconds = Double.parseDouble(text.substring(0, text.length() - 1));
      expires = now.plusMillis((long) (seconds * 1000));
    } else {
      expires = Instant.parse(spec.get("expire_time").asText());
    }
    if (expires.isAfter(now.plus(Duration.ofDays(30)).plusSeconds(60))) {
      throw new IllegalArgumentException("branch expiry is at most 30 days");
    }
    return expires;
  }

  private void remove(EmuBranch b) {
    if (!branches.remove(b.path, b)) {
      return;
    }
    deletedBranches.add(b.path);
    postgres.branchGone(b.path);
    java.util.concurrent.Future<?> copy = b.copy;
    if (copy != null) {
      try {
        copy.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        // The copy failed or is stuck; nothing to stop then.
      }
    }
    BranchServer server;
    synchronized (this) {
      server = b.server;
      b.server = null;
    }
    if (server != null) {
      server.close();
    }
  }

  private void expireBranches() {
    Instant now = Instant.now();
    for (EmuBranch b : List.copyOf(branches.values())) {
      Instant expires = b.expires;
      if (expires != null && now.isAfter(expires)) {
        remove(b);
      }
    }
  }

  private Map<String, Object> branchJson(EmuBranch b) {
    refreshState(b);
    Map<String, Object> status = new java.util.LinkedHashMap<>();
    status.put("branch_id", b.branchId);
    status.put("current_state", b.state);
    status.put("default", b.branchId.equals("production"));
    status.put("is_protected", b.isProtected);
    Instant expires = b.expires;
    if (expires != null) {
      status.put("expire_time", expires.toString());
    }
    if (b.source != null) {
      status.put("source_branch", b.source);
    }
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("name", b.path);
    json.put("branch_id", b.branchId);
    json.put("parent", "projects/" + b.projectId);
    json.put("uid", b.uid);
    json.put("create_time", b.created.toString());
    json.put("status", status);
    return json;
  }

  @Override
  public void close() {
    hang(false);
    server.stop(0);
    handlers.shutdownNow();
    rotations.shutdownNow();
    // Let a copy in progress finish: it finds its branch gone and stops its own server.
    List<EmuBranch> all = List.copyOf(branches.values());
    branches.clear();
    copier.shutdown();
    try {
      copier.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (EmuBranch b : all) {
      branches.putIfAbsent(b.path, b);
    }
    for (String path : List.copyOf(branches.keySet())) {
      EmuBranch b = branches.remove(path);
      if (b != null && b.server() != null) {
        b.server().close();
      }
    }
  }
}
