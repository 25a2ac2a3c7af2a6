package io.lakeforge.processor;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/** A failure inside the processor becomes one tagged compile error, never an exception in javac. */
class ProcessorRobustnessTest {

  /** Runs the real processor with a round whose every query throws. */
  private static final class Sabotaged extends AbstractProcessor {
    private final LakeforgeProcessor real = new LakeforgeProcessor();

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      real.init(env);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      RoundEnvironment broken = (RoundEnvironment) Proxy.newProxyInstance(
          getClass().getClassLoader(), new Class<?>[] {RoundEnvironment.class},
          (proxy, method, args) -> {
            throw new IllegalStateException("simulated bug");
          });
      return real.process(annotations, broken);
    }
  }

  @Test
  void anUnexpectedExceptionIsReportedAsATaggedErrorWithItsTrace() {
    Compilation compilation = javac().withProcessors(new Sabotaged()).compile(
        Compiles.source("t.T", "package t;", "final class T {}"));
    assertEquals(Compilation.Status.FAILURE, compilation.status());
    assertTrue(!compilation.errors().isEmpty());
    compilation.errors().forEach(error -> {
      String message = error.getMessage(Locale.ROOT);
      assertTrue(message.startsWith(Rule.INTERNAL.tag() + " LakeForge failed unexpectedly"), message);
      assertTrue(message.contains("simulated bug"), message);
    });
  }
}
