package io.lakeforge.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.springframework.test.context.TestContextManager;

/**
 * Spring's test context framework ({@link TestContextManager}: the bootstrapper, the context
 * customizers and listeners of {@code spring.factories}, the context cache) driven from JUnit, as
 * Spring's {@code SpringExtension} drives it. This build pins JUnit 5.14, and Spring Framework 7's
 * {@code SpringExtension} calls JUnit 6 API ({@code Store.computeIfAbsent}), so a
 * {@code @SpringBootTest} class cannot run here; this class is the test's stand-in for that
 * adapter only, everything behind it is Spring's own.
 */
final class SpringTestContext implements BeforeAllCallback, TestInstancePostProcessor,
    AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SpringTestContext.class);

  private static TestContextManager manager(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
        context.getRequiredTestClass(), TestContextManager::new, TestContextManager.class);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    manager(context).beforeTestClass();
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context)
      throws Exception {
    manager(context).prepareTestInstance(testInstance);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    manager(context).afterTestClass();
  }
}
