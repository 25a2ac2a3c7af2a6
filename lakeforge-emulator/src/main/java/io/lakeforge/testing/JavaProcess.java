package io.lakeforge.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM with exactly the given environment (plus {@code PATH} and a
 * private {@code HOME}, so no {@code ~/.databrickscfg} or ambient credential leaks in).
 */
public final class JavaProcess {

  /** What the process printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private JavaProcess() {}

  public static Result run(Class<?> mainClass, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder builder = builder(mainClass, env, args);
    Path out = Files.createTempFile("stdout", ".txt");
    Path err = Files.createTempFile("stderr", ".txt");
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(mainClass.getName() + " did not finish within 120 s");
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * Starts the main class and returns at once: its standard output is the process's input stream,
   * its standard error goes to {@code stderr} (read it when the process misbehaves).
   */
  public static Process start(Class<?> mainClass, Map<String, String> env, Path stderr,
      String... args) throws IOException {
    ProcessBuilder builder = builder(mainClass, env, args);
    builder.redirectError(stderr.toFile());
    return builder.start();
  }

  private static ProcessBuilder builder(Class<?> mainClass, Map<String, String> env,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dorg.jooq.no-logo=true");
    command.add("-Dorg.jooq.no-tips=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Path home = Files.createTempDirectory("lakeforge-home");
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("HOME", home.toString());
    builder.environment().putAll(env);
    return builder;
  }
}
