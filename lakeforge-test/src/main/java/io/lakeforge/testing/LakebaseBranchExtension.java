package io.lakeforge.testing;

import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.BranchInfo;
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
 * The extension behind {@link LakebaseTestBranch}. The branch, its pools and its deletion are one
 * resource ({@code AutoCloseable}) owned by the extension's store, so JUnit closes it after the class (or the method) even
 * when a test, a lifecycle method or another extension failed. Keeps no state of its own: test
 * classes and methods running in parallel each have their own branch in their own store.
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

  @Override
  public void beforeAll(ExtensionContext context) {
    LakebaseTestBranch settings = settings(context);
    if (settings.scope() == LakebaseTestBranch.Scope.CLASS) {
      Class<?> type = context.getRequiredTestClass();
      context.getStore(NAMESPACE).put(KEY, TestBranch.ofClass(type, settings));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    LakebaseTestBranch settings = settings(context);
    if (settings.scope() == LakebaseTestBranch.Scope.METHOD) {
      context.getStore(NAMESPACE).put(KEY,
          TestBranch.open(context.getRequiredTestClass(), settings, false));
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == DataSource.class || type == DSLContext.class || type == BranchRef.class
        || type == BranchInfo.class || type == SourceBranch.class;
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
    } else if (type == SourceBranch.class) {
      return new SourceBranch(branch);
    }
    return branch.info();
  }

  private static LakebaseTestBranch settings(ExtensionContext context) {
    Optional<Class<?>> type = context.getTestClass();
    return type.flatMap(c -> AnnotationSupport.findAnnotation(c, LakebaseTestBranch.class))
        .orElseThrow(() -> new ExtensionConfigurationException(
            "LakebaseBranchExtension needs @LakebaseTestBranch on the test class."));
  }
}
