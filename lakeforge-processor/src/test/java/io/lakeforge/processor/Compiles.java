package io.lakeforge.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/** Helpers for running the real processor through javac (compile-testing). */
final class Compiles {

  /** Set to regenerate golden files: {@code LAKEFORGE_UPDATE_GOLDEN=1 ./mvnw verify}. */
  static final boolean UPDATE_GOLDEN = System.getenv("LAKEFORGE_UPDATE_GOLDEN") != null;

  /** The module directory, found from the test classes so that PIT's working directory does not matter. */
  static final Path MODULE = moduleDirectory();

  private Compiles() {}

  private static Path moduleDirectory() {
    try {
      Path testClasses = Path.of(Compiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return testClasses.getParent().getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Compilation compile(List<String> options, JavaFileObject... sources) {
    return javac().withProcessors(new LakeforgeProcessor()).withOptions(options).compile(sources);
  }

  static Compilation compile(JavaFileObject... sources) {
    return compile(List.of(), sources);
  }

  static Compilation compileResources(List<String> options, String... resources) {
    return compile(options,
        Arrays.stream(resources).map(JavaFileObjects::forResource).toArray(JavaFileObject[]::new));
  }

  static JavaFileObject source(String qualifiedName, String... lines) {
    return JavaFileObjects.forSourceLines(qualifiedName, lines);
  }

  /** The generated bundle YAML of a project, if the processor wrote one. */
  static Optional<String> yaml(Compilation compilation, String projectId) {
    return compilation
        .generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/lakeforge/" + projectId + "/lakebase.yml")
        .map(Compiles::contents);
  }

  static Optional<String> generatedSource(Compilation compilation, String qualifiedName) {
    return compilation.generatedSourceFile(qualifiedName).map(Compiles::contents);
  }

  static String contents(JavaFileObject file) {
    try {
      return file.getCharContent(false).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a golden file, or rewrites it from {@code actual} when regenerating. */
  static String golden(String resource, String actual) throws IOException {
    Path path = MODULE.resolve("src/test/resources").resolve(resource);
    if (UPDATE_GOLDEN) {
      Files.createDirectories(path.getParent());
      Files.writeString(path, actual, StandardCharsets.UTF_8);
    }
    return Files.readString(path, StandardCharsets.UTF_8);
  }

  static List<String> lines(String resource) throws IOException {
    return new ArrayList<>(Files.readAllLines(MODULE.resolve("src/test/resources").resolve(resource)));
  }
}
