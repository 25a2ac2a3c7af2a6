package io.lakeforge.maven;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A test project of {@code src/it}, built with the real Maven Wrapper against this build's
 * artifacts (maven-invoker-plugin:install put them in {@code target/it-repo}; every other artifact
 * comes from the building user's local repository as a file mirror, so no network is needed).
 */
final class ItBuild {

  record Build(int exitCode, String output) {}

  private ItBuild() {}

  /** A fresh copy of {@code src/it/<name>} (and the shared settings) under {@code target/it}. */
  static Path copy(String name) throws IOException {
    Path work = Paths.get(property("lakeforge.it.work"));
    Path sources = Paths.get(property("lakeforge.it.sources"));
    FileTrees.delete(work.resolve(name));
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path relative = sources.relativize(file);
        if (relative.getNameCount() > 1 && !relative.getName(0).toString().equals(name)) {
          continue; // another test's project
        }
        Path target = work.resolve(relative.toString());
        Files.createDirectories(target.getParent());
        Files.writeString(target, Files.readString(file, UTF_8)
            .replace("@lakeforge.version@", property("lakeforge.version"))
            .replace("@jooq.version@", property("lakeforge.it.jooqVersion"))
            .replace("@buildingRepositoryUrl@",
                Paths.get(property("lakeforge.it.buildingRepository")).toUri().toString()), UTF_8);
      }
    }
    return work.resolve(name);
  }

  static Build maven(Path project, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(property("lakeforge.it.mvnw"), "-B", "-ntp",
        "-s", project.getParent().resolve("settings.xml").toString(),
        "-Dmaven.repo.local=" + property("lakeforge.it.repository")));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
        .redirectErrorStream(true);
    builder.environment().remove("CI");
    builder.environment().remove("MAVEN_ARGS");
    // Short builds: a JVM that starts fast matters more than peak speed.
    builder.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    builder.environment().putAll(env);
    Path log = Files.createTempFile(project.getParent(), "maven", ".log");
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("Maven did not finish in 2 minutes:\n" + Files.readString(log));
    }
    return new Build(process.exitValue(), Files.readString(log, UTF_8));
  }

  static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException(name + " is not set: run this test through Maven (verify)");
    }
    return value;
  }
}
