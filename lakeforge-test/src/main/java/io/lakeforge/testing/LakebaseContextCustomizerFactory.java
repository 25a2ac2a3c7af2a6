package io.lakeforge.testing;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.Setting;
import io.lakeforge.spring.LakeforgeProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Spring test support of {@link LakebaseTestBranch}, registered in {@code META-INF/spring.factories}:
 * on a {@code @SpringBootTest} (any Spring test context) of a class with the annotation, the
 * application's {@code lakeforge.*} properties point at the class's branch: {@code
 * lakeforge.endpoint}, {@code lakeforge.database} (the kit's database rule) and {@code
 * lakeforge.host}, and offline {@code lakeforge.port}, {@code lakeforge.user} and {@code
 * lakeforge.ssl-mode}, above every other property source; offline the SDK client that reaches the
 * emulator is the primary {@link WorkspaceClient} bean. No property holds a secret.
 *
 * <p>The context is the class's own (the branch is): it is not shared with other classes and is
 * closed after the class ({@link CloseAfterClass}), before the branch is deleted. The test's
 * {@code DataSource}, {@code DSLContext}, {@code BranchRef} and {@link SourceBranch} parameters are
 * the kit's, on the same branch and database.
 */
public final class LakebaseContextCustomizerFactory implements ContextCustomizerFactory {

  /** The name of the property source the branch's properties live in. */
  public static final String PROPERTY_SOURCE = "lakeforgeTestBranch";
  /** The offline WorkspaceClient bean. */
  public static final String CLIENT_BEAN = "lakeforgeTestWorkspaceClient";

  @Override
  public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    LakebaseTestBranch settings = settings(testClass);
    if (settings == null) {
      return null;
    }
    if (settings.scope() == LakebaseTestBranch.Scope.METHOD) {
      throw new IllegalStateException("@LakebaseTestBranch(scope = METHOD) on Spring test "
          + testClass.getName() + ": the application context lives for the class, so its branch"
          + " does too. Use scope = CLASS (the default).");
    }
    return new Customizer(testClass, settings);
  }

  private static @Nullable LakebaseTestBranch settings(Class<?> testClass) {
    return TestContextAnnotationUtils.findMergedAnnotation(testClass, LakebaseTestBranch.class);
  }

  /**
   * The same for an application a test starts itself ({@code SpringApplication.run} in a
   * {@code @BeforeAll} method of a {@link LakebaseTestBranch} class, after the kit opened the
   * branch): add it with {@code application.addInitializers(initializer(MyTest.class))}.
   *
   * @throws IllegalStateException when run if {@code testClass} has no open class-scoped branch
   */
  public static ApplicationContextInitializer<ConfigurableApplicationContext> initializer(
      Class<?> testClass) {
    return context -> apply(context, TestBranch.openFor(testClass).orElseThrow(
        () -> new IllegalStateException("No Lakebase branch is open for " + testClass.getName()
            + ": annotate it with @LakebaseTestBranch (scope CLASS) and start the application in"
            + " a @BeforeAll method or a test.")));
  }

  /** Points {@code context} at {@code branch}: its properties first, offline the SDK client. */
  private static void apply(ConfigurableApplicationContext context, TestBranch branch) {
    context.getEnvironment().getPropertySources()
        .addFirst(new MapPropertySource(PROPERTY_SOURCE, properties(branch)));
    branch.offlineClient().ifPresent(client -> {
      if (!(context.getBeanFactory() instanceof BeanDefinitionRegistry registry)) {
        throw new IllegalStateException("The test context's bean factory cannot register the"
            + " offline WorkspaceClient: " + context.getBeanFactory().getClass().getName());
      }
      RootBeanDefinition definition = new RootBeanDefinition(WorkspaceClient.class, () -> client);
      // Primary: it wins over an application's own client, which would reach another workspace.
      definition.setPrimary(true);
      registry.registerBeanDefinition(CLIENT_BEAN, definition);
    });
  }

  /** The properties an application needs for {@code branch}, by property name. */
  static Map<String, Object> properties(TestBranch branch) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (Map.Entry<Setting<?>, Object> e : branch.connectionSettings().entrySet()) {
      properties.put(LakeforgeProperties.property(e.getKey()), String.valueOf(e.getValue()));
    }
    return properties;
  }

  /** Points the context at the class's branch; equal only for the same class (own context). */
  private static final class Customizer implements ContextCustomizer {
    private final Class<?> testClass;
    private final LakebaseTestBranch settings;

    Customizer(Class<?> testClass, LakebaseTestBranch settings) {
      this.testClass = testClass;
      this.settings = settings;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context,
        MergedContextConfiguration mergedConfig) {
      apply(context, TestBranch.ofClass(testClass, settings));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer c && c.testClass == testClass;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Customizer.class, testClass);
    }
  }

  /**
   * Closes the context of a {@link LakebaseTestBranch} class after the class, so its pools close
   * before the kit deletes the branch and no cached context points at a deleted branch.
   */
  public static final class CloseAfterClass extends AbstractTestExecutionListener {

    /**
     * Late in {@code afterTestClass}, which runs the listeners in reverse order: after Spring's
     * own clean-up listeners have seen the context.
     */
    @Override
    public int getOrder() {
      return 1_000;
    }

    @Override
    public void afterTestClass(TestContext testContext) {
      if (settings(testContext.getTestClass()) != null) {
        testContext.markApplicationContextDirty(DirtiesContext.HierarchyMode.EXHAUSTIVE);
      }
    }
  }
}
