package io.lakeforge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.processor.LakeforgeProcessor;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published jars, after {@code package}: the processor carries its dependencies relocated
 * under {@code io.lakeforge.processor.shaded} (as AutoValue and Dagger do) and declares none of
 * them, so it works next to another javapoet; the command-line jar runs on its own.
 */
class PackagedJarTest {

  @TempDir Path dir;

  private static Path jarOf(Class<?> type) throws URISyntaxException {
    Path path = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(path.toString().endsWith(".jar"), "run after package: " + path);
    return path;
  }

  @Test
  void theProcessorJarHoldsOnlyLakeforgeProcessorClasses() throws Exception {
    try (JarFile jar = new JarFile(jarOf(LakeforgeProcessor.class).toFile())) {
      List<String> foreign = jar.stream().map(e -> e.getName())
          .filter(n -> n.endsWith(".class") && !n.startsWith("io/lakeforge/processor/"))
          .toList();
      assertEquals(List.of(), foreign, "unrelocated classes would collide on a processor path");
      assertTrue(jar.getEntry("io/lakeforge/processor/shaded/javapoet/JavaFile.class") != null);
      assertTrue(jar.getEntry("META-INF/services/javax.annotation.processing.Processor") != null);
    }
  }

  @Test
  void thePublishedProcessorPomDeclaresNoneOfTheDependenciesItShades() throws IOException {
    String pom = Files.readString(Path.of("../lakeforge-processor/target/dependency-reduced-pom.xml"));
    assertTrue(pom.contains("<artifactId>lakeforge-annotations</artifactId>"), pom);
    assertFalse(pom.contains("<artifactId>javapoet</artifactId>"), pom);
    assertFalse(pom.contains("<artifactId>snakeyaml-engine</artifactId>"), pom);
  }

  @Test
  void aUserProjectWithAnotherJavapoetOnItsProcessorPathCompiles() throws Exception {
    Path otherJavapoet = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of).filter(p -> p.getFileName().toString().equals("javapoet-0.2.0.jar"))
        .findFirst().orElseThrow();
    Path annotations = jarOf(LakebaseProject.class);
    Path source = dir.resolve("src/user/Topology.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, String.join("\n",
        "package user;",
        "@io.lakeforge.annotations.LakebaseProject(id = \"user\")",
        "final class Topology {",
        "  @io.lakeforge.annotations.Branch static final String DEV = \"dev\";",
        "}"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path generated = Files.createDirectories(dir.resolve("generated"));
    // The other javapoet first: unrelocated classes in the processor jar would lose to it.
    String processorPath = Stream.of(otherJavapoet, jarOf(LakeforgeProcessor.class), annotations)
        .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-processorpath", processorPath,
        "-classpath", annotations.toString(), "-d", classes.toString(), "-s", generated.toString(),
        "-Xlint:all", "-Werror", source.toString()));
    java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
    int code = javac.run(null, null, errors, args.toArray(String[]::new));
    assertEquals(0, code, errors.toString(UTF_8));
    assertTrue(Files.exists(generated.resolve("user/Branches.java")));
    assertTrue(Files.readString(classes.resolve("META-INF/lakeforge/user/lakebase.yml"))
        .contains("branch_id: dev\n"));
  }

  @Test
  void theCommandLineJarRunsOnItsOwn() throws IOException, InterruptedException {
    Path jar = Path.of("target/lakeforge-cli.jar").toAbsolutePath();
    Process help = new ProcessBuilder(java(), "-jar", jar.toString(), "--help")
        .redirectErrorStream(true).start();
    String text = new String(help.getInputStream().readAllBytes(), UTF_8);
    assertEquals(0, help.waitFor(), text);
    assertTrue(text.startsWith("Usage: java -jar lakeforge-cli.jar"), text);

    ProcessBuilder generate = new ProcessBuilder(java(), "-jar", jar.toString(), "--output",
        dir.resolve("out").toString()).redirectErrorStream(true);
    generate.environment().put("PROJECT_NAME", "lakeforge-main");
    generate.environment().put("CUSTOM_BRANCHES", "dev,staging");
    Process run = generate.start();
    String output = new String(run.getInputStream().readAllBytes(), UTF_8);
    assertEquals(0, run.waitFor(), output);
    assertTrue(Files.readString(dir.resolve("out/lakebase.yml")).contains("branch_id: staging\n"));

    try (JarFile cli = new JarFile(jar.toFile())) {
      assertTrue(cli.getEntry("META-INF/services/javax.annotation.processing.Processor") == null,
          "the command-line jar is no annotation processor");
      // Self-contained for the branch commands (the SDK inside); the generator's own libraries
      // stay relocated inside the processor classes.
      assertTrue(cli.getEntry("com/databricks/sdk/WorkspaceClient.class") != null);
      assertEquals(List.of(), cli.stream().map(e -> e.getName())
          .filter(n -> n.startsWith("com/palantir/") || n.startsWith("org/snakeyaml/"))
          .toList());
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
