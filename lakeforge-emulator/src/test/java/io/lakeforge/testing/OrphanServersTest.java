package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20, item 3: a test JVM killed with SIGKILL leaves no PostgreSQL server behind. Its servers
 * end with it (a watcher process that outlives it stops them), and where even the watcher was
 * killed, the next start of the kit finds them by their owner marker and ends them.
 */
@Timeout(600)
class OrphanServersTest {

  /** Generous: the point is that the servers end at all, not how fast on a loaded machine. */
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  private final List<Long> postmasters = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  @AfterEach
  void endWhatTheTestLeft() throws IOException {
    // Only processes this test's child started (their PIDs read from their own postmaster.pid).
    for (long pid : postmasters) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (Path dir : dirs) {
      if (Files.exists(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  @Test
  void theServersOfAKilledJvmEndWithIt() throws Exception {
    Process child = startChild();
    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    child.waitFor();
    for (long pid : postmasters) {
      await(() -> !alive(pid), "postmaster " + pid + " still runs after its JVM was killed");
    }
    for (Path dir : dirs) {
      await(() -> !Files.exists(dir), dir + " is left after its JVM was killed");
    }
  }

  @Test
  void theNextStartEndsServersLeftByAKilledJvm() throws Exception {
    Process child = startChild();
    // As if the OS could not keep a watcher alive: kill the JVM's own children first, then it.
    List<ProcessHandle> watchers = child.toHandle().children().toList();
    for (ProcessHandle w : watchers) {
      w.destroyForcibly();
    }
    for (ProcessHandle w : watchers) {
      w.onExit().join();
    }
    child.destroyForcibly();
    child.waitFor();
    for (long pid : postmasters) {
      assertTrue(alive(pid), "left running for the next start: " + pid);
    }
    try (LocalLakebase next = LocalLakebase.start("orphan-next", "orphannext", false, 20)) {
      for (long pid : postmasters) {
        await(() -> !alive(pid), "postmaster " + pid + " of a killed JVM still runs after the"
            + " next start");
      }
      for (Path dir : dirs) {
        await(() -> !Files.exists(dir), dir + " of a killed JVM is left after the next start");
      }
    }
  }

  private Process startChild() throws Exception {
    Path err = Files.createTempFile("orphan-child", ".err");
    Process child = JavaProcess.start(OrphanChild.class, Map.of(), err);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); !"READY".equals(line); line = out.readLine()) {
        if (line == null) {
          child.waitFor();
          fail("the child JVM ended (" + child.exitValue() + ") before READY: "
              + Files.readString(err));
        }
        if (line.startsWith("DIR ")) {
          Path dir = Path.of(line.substring(4));
          dirs.add(dir);
          List<String> pid = Files.readAllLines(dir.resolve("postmaster.pid"));
          postmasters.add(Long.parseLong(pid.get(0).strip()));
        }
      }
    }
    assertEquals(2, postmasters.size(), "a base server and a branch copy");
    for (long pid : postmasters) {
      assertTrue(alive(pid), "started: " + pid);
    }
    return child;
  }

  private static boolean alive(long pid) {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    return p.isPresent() && p.get().isAlive();
  }

  private static void await(BooleanSupplier condition, String message) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(message + " (waited " + PATIENCE.toSeconds() + " s)");
      }
      Thread.sleep(100);
    }
  }
}
