package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.BranchInfo;
import io.lakeforge.runtime.EndpointKind;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseBranches;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.runtime.LakebaseSettings;
import io.lakeforge.runtime.Setting;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The branch of one test class or method: created from the source when opened; closing it closes
 * its pools (the branch's and the source's) and deletes the branch. Thread-safe: test classes
 * running in parallel each open their own.
 */
final class TestBranch implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();
  /** The class-scoped branches, so that a Spring context of the class finds its branch. */
  private static final ConcurrentMap<Class<?>, Slot> OF_CLASS = new ConcurrentHashMap<>();

  private final @Nullable Class<?> testClass;
  private final LakebaseBranches branches;
  private final BranchInfo info;
  private final BranchRef source;
  private final Lakebase lakebase;
  private final Map<Setting<?>, Object> connection;
  private final @Nullable WorkspaceClient offlineClient;
  private @Nullable LakebasePool pool;
  private @Nullable LakebasePool sourcePool;

  private TestBranch(@Nullable Class<?> testClass, LakebaseBranches branches, BranchInfo info,
      BranchRef source, Lakebase lakebase, Map<Setting<?>, Object> connection,
      @Nullable WorkspaceClient offlineClient) {
    this.testClass = testClass;
    this.branches = branches;
    this.info = info;
    this.source = source;
    this.lakebase = lakebase;
    this.connection = connection;
    this.offlineClient = offlineClient;
  }

  /**
   * The class-scoped branch of {@code testClass}, opened by whichever asks first: the extension
   * before the class's tests, or a Spring context of the class loaded before that (a test
   * instance per class). The extension's store owns it either way.
   */
  static TestBranch ofClass(Class<?> testClass, LakebaseTestBranch settings) {
    return OF_CLASS.computeIfAbsent(testClass, c -> new Slot()).open(testClass, settings);
  }

  /** The class-scoped branch of {@code testClass} if it is open. */
  static Optional<TestBranch> openFor(Class<?> testClass) {
    Slot slot = OF_CLASS.get(testClass);
    return slot == null ? Optional.empty() : Optional.ofNullable(slot.branch);
  }

  /** One class's branch; opening under the slot's lock keeps other classes' opens concurrent. */
  private static final class Slot {
    private volatile @Nullable TestBranch branch;

    synchronized TestBranch open(Class<?> testClass, LakebaseTestBranch settings) {
      TestBranch b = branch;
      if (b == null) {
        b = TestBranch.open(testClass, settings, true);
        branch = b;
      }
      return b;
    }
  }

  /**
   * Creates a branch for {@code testClass} from {@code settings.from()}: checks the source (and the
   * database) against the topology when it is on the class path, chooses the database (the
   * annotation's, else {@code PGDATABASE} in workspace mode, else the one the topology declares on
   * the source, else {@code databricks_postgres}: {@link Lakebase#database}), and waits for the
   * branch within 5 minutes.
   */
  static TestBranch open(Class<?> testClass, LakebaseTestBranch settings, boolean classScoped) {
    Duration ttl;
    try {
      ttl = Duration.parse(settings.ttl());
    } catch (RuntimeException e) {
      throw new ExtensionConfigurationException("@LakebaseTestBranch ttl \"" + settings.ttl()
          + "\" is not an ISO-8601 duration such as PT1H.", e);
    }
    String mode = System.getProperty(LakebaseBranchExtension.MODE_PROPERTY, System.getenv()
        .getOrDefault(LakebaseBranchExtension.MODE_VARIABLE, "offline"))
        .strip().toLowerCase(Locale.ROOT);
    String project = settings.project();
    if (project.isEmpty()) {
      project = mode.equals("offline") ? "lakeforge-test"
          : System.getenv().getOrDefault(LakebaseBranchExtension.PROJECT_VARIABLE, "");
    }
    if (project.isEmpty()) {
      throw new ExtensionConfigurationException("Workspace mode needs a project: set "
          + LakebaseBranchExtension.PROJECT_VARIABLE + " or @LakebaseTestBranch(project = ...).");
    }
    ClassLoader loader = testClass.getClassLoader();
    Optional<DeclaredBranches> declared = DeclaredBranches.of(project,
        loader == null ? ClassLoader.getSystemClassLoader() : loader);
    String from = settings.from();
    String finalProject = project;
    declared.ifPresent(d -> d.requireDeclared(finalProject, from));
    Optional<String> declaredDatabase;
    if (settings.database().isEmpty()) {
      declaredDatabase = declared.flatMap(d -> d.databaseOf(from));
    } else {
      declared.ifPresent(d -> d.requireDatabase(from, settings.database()));
      declaredDatabase = Optional.of(settings.database());
    }

    WorkspaceClient client;
    LakebaseConfig.Builder config;
    OfflineLakebase offline = null;
    switch (mode) {
      case "offline" -> {
        offline = OfflineLakebase.get();
        client = offline.client();
        config = LakebaseConfig.builder()
            .port(offline.port())
            .user(OfflineLakebase.ROLE)
            .sslMode("disable")
            .maxSize(5)
            .acquisitionTimeout(Duration.ofSeconds(15));
      }
      case "workspace" -> {
        client = Lakebase.defaultClient();
        Map<String, String> env = new HashMap<>(System.getenv());
        // The branch's endpoint decides the host; a fixed PGHOST or endpoint would bypass it.
        env.remove("PGHOST");
        env.remove("LAKEBASE_ENDPOINT");
        config = LakebaseConfig.fromEnvironment(env).toBuilder();
      }
      default -> throw new ExtensionConfigurationException(LakebaseBranchExtension.MODE_VARIABLE
          + " is \"" + mode + "\"; use offline (the default) or workspace.");
    }
    if (!settings.database().isEmpty()) {
      config.database(settings.database());
    }
    Lakebase lakebase = Lakebase.create(config.build(), client);
    try {
      // The runtime's rule, applied to the source's declared database.
      String database = lakebase.database(
          new BranchRef(project, from, BranchRef.PRIMARY, "", declaredDatabase.orElse("")));
      BranchRef source = new BranchRef(project, from, BranchRef.PRIMARY, "", database);
      if (offline != null) {
        Set<String> databases = new LinkedHashSet<>(
            declared.map(d -> d.databasesOn(from)).orElse(List.of()));
        databases.add(database);
        databases.remove(OfflineLakebase.DATABASE);
        offline.prepareSource(project, from, databases);
      }
      LakebaseBranches branches = LakebaseBranches.of(client, project, List.of(source));
      String id = "test-" + Long.toString(RANDOM.nextLong() >>> 1, 36);
      id = id.length() > 20 ? id.substring(0, 20) : id;
      BranchInfo created = branches.create(source, id, ttl, Duration.ofMinutes(5));
      BranchInfo info = new BranchInfo(
          new BranchRef(project, created.branchId(), BranchRef.PRIMARY, "", database),
          created.kind(), created.sourceBranchId(), created.host(), created.expireTime(),
          created.isProtected(), created.state());
      Map<Setting<?>, Object> connection = new LinkedHashMap<>();
      connection.put(LakebaseSettings.ENDPOINT, info.ref().readWriteEndpointPath());
      connection.put(LakebaseSettings.DATABASE, database);
      if (info.host() != null) {
        connection.put(LakebaseSettings.HOST, info.host());
      }
      if (offline != null) {
        LakebaseConfig c = config.build();
        for (Setting<?> s : List.of(LakebaseSettings.PORT, LakebaseSettings.USER,
            LakebaseSettings.SSL_MODE)) {
          connection.put(s, c.get(s));
        }
      }
      return new TestBranch(classScoped ? testClass : null, branches, info, source, lakebase,
          Collections.unmodifiableMap(connection), offline == null ? null : client);
    } catch (RuntimeException e) {
      lakebase.close();
      throw e;
    }
  }

  BranchInfo info() {
    return info;
  }

  BranchRef sourceRef() {
    return source;
  }

  /**
   * The settings an application needs to reach this branch as the kit does: endpoint, database
   * and host, and offline the port, user and TLS mode of the embedded servers. No secret.
   */
  Map<Setting<?>, Object> connectionSettings() {
    return connection;
  }

  /** Offline, the SDK client that reaches the emulator; empty in workspace mode. */
  Optional<WorkspaceClient> offlineClient() {
    return Optional.ofNullable(offlineClient);
  }

  synchronized LakebasePool pool() {
    if (pool == null) {
      pool = lakebase.pool(info.ref(), EndpointKind.READ_WRITE);
    }
    return pool;
  }

  synchronized LakebasePool sourcePool() {
    if (sourcePool == null) {
      sourcePool = lakebase.pool(source, EndpointKind.READ_WRITE);
    }
    return sourcePool;
  }

  @Override
  public void close() {
    try {
      lakebase.close();
    } finally {
      try {
        branches.delete(info.branchId());
      } finally {
        if (testClass != null) {
          OF_CLASS.remove(testClass);
        }
      }
    }
  }
}
