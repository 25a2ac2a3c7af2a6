package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.BranchInfo;
import io.lakeforge.runtime.EndpointKind;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseBranches;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebasePool;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link LakebaseTestBranch}. The branch, its pool and its deletion are one
 * resource owned by the extension's store, so JUnit closes it after the class (or the method) even
 * when a test, a lifecycle method or another extension failed.
 */
public final class LakebaseBranchExtension implements BeforeAllCallback, BeforeEachCallback,
    ParameterResolver {

  /** {@code offline} (default) or {@code workspace}. */
  public static final String MODE_VARIABLE = "LAKEFORGE_TEST_MODE";
  /** The same as a system property. */
  public static final String MODE_PROPERTY = "lakeforge.test.mode";
  /** The project of workspace mode when the annotation names none. */
  public static final String PROJECT_VARIABLE = "LAKEFORGE_TEST_PROJECT";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LakebaseBranchExtension.class);
  private static final String KEY = "branch";
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public void beforeAll(ExtensionContext context) {
    if (settings(context).scope() == LakebaseTestBranch.Scope.CLASS) {
      open(context);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (settings(context).scope() == LakebaseTestBranch.Scope.METHOD) {
      open(context);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == DataSource.class || type == DSLContext.class || type == BranchRef.class
        || type == BranchInfo.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestBranch branch = context.getStore(NAMESPACE).get(KEY, TestBranch.class);
    if (branch == null) {
      throw new ParameterResolutionException("No Lakebase branch yet: with scope = METHOD,"
          + " parameters are injected into test methods and @BeforeEach/@AfterEach methods only.");
    }
    Class<?> type = parameter.getParameter().getType();
    if (type == DataSource.class) {
      return branch.pool();
    } else if (type == DSLContext.class) {
      return branch.pool().dsl();
    } else if (type == BranchRef.class) {
      return branch.info().ref();
    }
    return branch.info();
  }

  private static LakebaseTestBranch settings(ExtensionContext context) {
    Optional<Class<?>> type = context.getTestClass();
    return type.flatMap(c -> AnnotationSupport.findAnnotation(c, LakebaseTestBranch.class))
        .orElseThrow(() -> new ExtensionConfigurationException(
            "LakebaseBranchExtension needs @LakebaseTestBranch on the test class."));
  }

  private static void open(ExtensionContext context) {
    LakebaseTestBranch settings = settings(context);
    Duration ttl;
    try {
      ttl = Duration.parse(settings.ttl());
    } catch (RuntimeException e) {
      throw new ExtensionConfigurationException("@LakebaseTestBranch ttl \"" + settings.ttl()
          + "\" is not an ISO-8601 duration such as PT1H.", e);
    }
    String mode = System.getProperty(MODE_PROPERTY, System.getenv()
        .getOrDefault(MODE_VARIABLE, "offline")).strip().toLowerCase(Locale.ROOT);
    WorkspaceClient client;
    LakebaseConfig config;
    String project = settings.project();
    switch (mode) {
      case "offline" -> {
        OfflineLakebase offline = OfflineLakebase.get();
        project = project.isEmpty() ? "lakeforge-test" : project;
        requireDeclared(context, project, settings.from());
        if (!offline.emulator().hasBranch("projects/" + project + "/branches/" + settings.from())) {
          offline.emulator().existingBranch(project, settings.from(), false);
        }
        client = offline.client();
        config = LakebaseConfig.builder()
            .port(offline.port())
            .database(OfflineLakebase.DATABASE)
            .user(OfflineLakebase.ROLE)
            .sslMode("disable")
            .maxSize(5)
            .acquisitionTimeout(Duration.ofSeconds(15))
            .build();
      }
      case "workspace" -> {
        if (project.isEmpty()) {
          project = System.getenv().getOrDefault(PROJECT_VARIABLE, "");
        }
        if (project.isEmpty()) {
          throw new ExtensionConfigurationException("Workspace mode needs a project: set "
              + PROJECT_VARIABLE + " or @LakebaseTestBranch(project = ...).");
        }
        requireDeclared(context, project, settings.from());
        client = new WorkspaceClient();
        Map<String, String> env = new HashMap<>(System.getenv());
        // The branch's endpoint decides the host; a fixed PGHOST or endpoint would bypass it.
        env.remove("PGHOST");
        env.remove("LAKEBASE_ENDPOINT");
        config = LakebaseConfig.fromEnvironment(env);
      }
      default -> throw new ExtensionConfigurationException(MODE_VARIABLE + " is \"" + mode
          + "\"; use offline (the default) or workspace.");
    }
    BranchRef source = new BranchRef(project, settings.from(), BranchRef.PRIMARY, "");
    LakebaseBranches branches = LakebaseBranches.of(client, project, List.of(source));
    String id = "test-" + Long.toString(RANDOM.nextLong() >>> 1, 36);
    id = id.length() > 20 ? id.substring(0, 20) : id;
    BranchInfo info = branches.create(source, id, ttl, Duration.ofMinutes(5));
    TestBranch branch = new TestBranch(branches, info, Lakebase.create(config, client));
    context.getStore(NAMESPACE).put(KEY, branch);
  }

  /**
   * Where the kit has the project's topology (its generated bundle resource on the test class
   * path), only a declared branch is a source: offline would otherwise make up any branch it is
   * asked for, and a workspace fails later with a less clear message.
   */
  private static void requireDeclared(ExtensionContext context, String project, String from) {
    ClassLoader loader = context.getRequiredTestClass().getClassLoader();
    DeclaredBranches.of(project, loader == null ? ClassLoader.getSystemClassLoader() : loader)
        .ifPresent(d -> d.requireDeclared(project, from));
  }

  /** The branch of one class or method: closing it closes the pool and deletes the branch. */
  private static final class TestBranch implements AutoCloseable {
    private final LakebaseBranches branches;
    private final BranchInfo info;
    private final Lakebase lakebase;
    private volatile LakebasePool pool;

    TestBranch(LakebaseBranches branches, BranchInfo info, Lakebase lakebase) {
      this.branches = branches;
      this.info = info;
      this.lakebase = lakebase;
    }

    BranchInfo info() {
      return info;
    }

    synchronized LakebasePool pool() {
      if (pool == null) {
        pool = lakebase.pool(info.ref(), EndpointKind.READ_WRITE);
      }
      return pool;
    }

    @Override
    public void close() {
      try {
        lakebase.close();
      } finally {
        branches.delete(info.branchId());
      }
    }
  }
}
