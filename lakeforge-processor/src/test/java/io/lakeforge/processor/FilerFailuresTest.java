package io.lakeforge.processor;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/** When the Filer refuses, the user gets one precise error, pinned where it helps. */
class FilerFailuresTest {

  private static Compilation compileWithFailing(String method, IOException failure) {
    return javac().withProcessors(new Failing(method, failure)).compile(Compiles.source(
        "t.Topology", "package t;",
        "@io.lakeforge.annotations.LakebaseProject(id = \"p\")",
        "final class Topology {}"));
  }

  private static String onlyError(Compilation compilation) {
    assertEquals(1, compilation.errors().size(), compilation.errors()::toString);
    return compilation.errors().get(0).getMessage(Locale.ROOT);
  }

  @Test
  void anUnwritableClassOutputIsAnInternalErrorOnTheProject() {
    Compilation compilation = compileWithFailing("createResource", new IOException("disk full"));
    String message = onlyError(compilation);
    assertEquals(Rule.INTERNAL.tag() + " could not write META-INF/lakeforge/p/lakebase.yml: disk"
        + " full. Check that the class output directory is writable, then rebuild.", message);
    assertEquals(3, compilation.errors().get(0).getLineNumber());
  }

  @Test
  void anAccessorNameTakenByAnotherGeneratedFileIsAnErrorOnTheAttribute() {
    String message = onlyError(
        compileWithFailing("createSourceFile", new FilerException("Attempt to recreate t.Branches")));
    assertTrue(message.startsWith(Rule.ACCESSOR_NAME.tag() + " @LakebaseProject accessorName"
        + " \"Branches\": Attempt to recreate t.Branches. Another file"), message);
  }

  @Test
  void anUnwritableSourceOutputIsAnInternalError() {
    String message = onlyError(compileWithFailing("createSourceFile", new IOException("read-only")));
    assertEquals(Rule.INTERNAL.tag() + " could not write the accessor Branches: read-only. Check"
        + " that the generated-sources directory is writable, then rebuild.", message);
  }

  /** The real processor with a Filer whose {@code method} throws. */
  private static final class Failing extends AbstractProcessor {
    private final LakeforgeProcessor real = new LakeforgeProcessor();
    private final String method;
    private final IOException failure;

    Failing(String method, IOException failure) {
      this.method = method;
      this.failure = failure;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      Filer filer = env.getFiler();
      Filer failing = (Filer) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Filer.class}, (proxy, m, args) -> {
            if (m.getName().equals(method)) {
              throw failure;
            }
            try {
              return m.invoke(filer, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      real.init((ProcessingEnvironment) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ProcessingEnvironment.class}, (proxy, m, args) -> {
            try {
              return m.getName().equals("getFiler") ? failing : m.invoke(env, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return real.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return real.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return real.process(annotations, round);
    }
  }
}
