package io.lakeforge.processor;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * The processor keeps the rules Gradle documents for the category it declares in
 * {@code META-INF/gradle/incremental.annotation.processors} (Gradle user guide, "Incremental
 * annotation processing"): an aggregating processor reads only CLASS or RUNTIME retention
 * annotations; every incremental processor writes through the Filer, resources only to
 * SOURCE_OUTPUT, CLASS_OUTPUT or NATIVE_HEADER_OUTPUT, and uses no compiler-internal API.
 */
class GradleIncrementalRulesTest {

  private static final String REGISTRATION = "META-INF/gradle/incremental.annotation.processors";

  @Test
  void theRegistrationNamesTheProcessorWithAGradleCategory() throws IOException {
    assertEquals(List.of(LakeforgeProcessor.class.getName() + ",aggregating"), registration());
  }

  @Test
  void anAggregatingProcessorReadsOnlyClassOrRuntimeRetentionAnnotations() throws Exception {
    assertTrue(registration().get(0).endsWith(",aggregating"));
    Set<String> supported = new LakeforgeProcessor().getSupportedAnnotationTypes();
    assertFalse(supported.isEmpty());
    for (String name : supported) {
      assertFalse(name.contains("*"), "an aggregating processor names its annotations: " + name);
      Retention retention = Class.forName(name).getAnnotation(Retention.class);
      RetentionPolicy policy = retention == null ? RetentionPolicy.CLASS : retention.value();
      assertTrue(policy == RetentionPolicy.CLASS || policy == RetentionPolicy.RUNTIME,
          name + " has " + policy + " retention; Gradle recompiles everything then");
    }
  }

  @Test
  void everyFileGoesThroughTheFilerToAnAllowedLocationWithItsOriginatingElement() {
    List<String> created = new ArrayList<>();
    Compilation compilation = javac().withProcessors(new Recording(created))
        .compile(JavaFileObjects.forResource("good/Showcase.java"));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(), compilation.diagnostics()::toString);
    assertEquals(List.of("resource CLASS_OUTPUT META-INF/lakeforge/showcase/lakebase.yml from"
        + " good.Showcase", "source good.Lakes from good.Showcase"), created);
  }

  @Test
  void noCompilerInternalApiIsUsed() throws IOException, URISyntaxException {
    Path classes = Path.of(LakeforgeProcessor.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    Path dir = Files.isDirectory(classes) ? classes.resolve("io/lakeforge/processor") : null;
    if (dir == null) {
      return; // running from the shaded jar; the module build checks target/classes
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains("com/sun/source") || bytes.contains("com/sun/tools"), file::toString);
      }
    }
  }

  private static List<String> registration() throws IOException {
    try (InputStream in = LakeforgeProcessor.class.getClassLoader().getResourceAsStream(REGISTRATION)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank()).toList();
    }
  }

  /** The real processor, with a Filer that records what is created and from which elements. */
  private static final class Recording extends AbstractProcessor {
    private final LakeforgeProcessor real = new LakeforgeProcessor();
    private final List<String> created;

    Recording(List<String> created) {
      this.created = created;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      Filer filer = env.getFiler();
      Filer recording = (Filer) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Filer.class}, (proxy, method, args) -> {
            switch (method.getName()) {
              case "createResource" -> created.add("resource " + args[0] + " " + args[2]
                  + origins((Element[]) args[3]));
              case "createSourceFile" -> created.add("source " + args[0] + origins((Element[]) args[1]));
              default -> created.add(method.getName());
            }
            try {
              return method.invoke(filer, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      real.init((ProcessingEnvironment) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ProcessingEnvironment.class}, (proxy, method, args) -> {
            if (method.getName().equals("getFiler")) {
              return recording;
            }
            try {
              return method.invoke(env, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }));
    }

    private static String origins(Element[] elements) {
      StringBuilder s = new StringBuilder(" from");
      for (Element e : elements) {
        s.append(' ').append(e instanceof TypeElement t ? t.getQualifiedName() : e);
      }
      return elements.length == 0 ? " from nothing" : s.toString();
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
