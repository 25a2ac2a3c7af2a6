package io.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Ties a PostgreSQL server of the kit to the JVM that started it, so that a killed JVM leaves none
 * behind.
 *
 * <ul>
 *   <li>A marker {@code <data directory>.owner} next to the data directory holds the owner's PID
 *       and an OS file lock for as long as the owner lives (the OS releases it when the process
 *       dies, however it dies). {@link #reapOrphans} at the next start locks the markers nobody
 *       holds, stops the postmaster named by that directory's {@code postmaster.pid} and deletes
 *       the directory.
 *   <li>Where {@code /bin/sh} exists, a watcher process waits on a pipe from the JVM; when the JVM
 *       ends (also by SIGKILL) the pipe closes and the watcher stops the server and deletes its
 *       data at once.
 * </ul>
 */
final class ServerGuard implements AutoCloseable {

  static final String SUFFIX = ".owner";
  private static final Path SHELL = Path.of("/bin/sh");

  private final Path dir;
  private final Path marker;
  private final FileChannel channel;
  private final FileLock lock;
  private volatile Process watcher;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private ServerGuard(Path dir, Path marker, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.marker = marker;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Marks {@code dir} (a data directory about to hold a server) as this JVM's. The marker is
   * locked before it gets its final name, so a reaper never sees it unlocked.
   */
  static ServerGuard claim(Path dir) throws IOException {
    Path marker = dir.resolveSibling(dir.getFileName() + SUFFIX);
    Path tmp = dir.resolveSibling(dir.getFileName() + SUFFIX + ".new");
    FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.lock();
      channel.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"));
      channel.force(true);
      Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
      return new ServerGuard(dir, marker, channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * Starts the watcher that stops the server in {@code dir} with {@code pg_ctl} of {@code binDir}
   * when this JVM ends. Does nothing where there is no {@code /bin/sh} (the reaper still works).
   */
  void watch(Path binDir) {
    if (!Files.isExecutable(SHELL)) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of(SHELL.toString(), "-c",
        // Group signals (Ctrl-C, a CI runner's TERM) leave it alone: the JVM's own hooks stop the
        // server then, and the watcher only acts once its input closes.
        "trap '' INT HUP TERM; read -r _; d=$1; m=$2; shift 2; \"$@\" >/dev/null 2>&1;"
            + " rm -rf -- \"$d\"; rm -f -- \"$m\"",
        "lakeforge-server-watcher", dir.toString(), marker.toString()));
    cmd.addAll(stopCommand(binDir, dir));
    try {
      watcher = new ProcessBuilder(cmd)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      // No watcher: the next start reaps the server instead.
    }
  }

  /** The watcher's process, if one runs. */
  Optional<ProcessHandle> watcher() {
    Process w = watcher;
    return w == null ? Optional.empty() : Optional.of(w.toHandle());
  }

  /**
   * Releases the claim once the server is stopped and its data deleted: ends the watcher (it must
   * not act on a directory that might be reused) and removes the marker.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    Process w = watcher;
    if (w != null) {
      w.destroyForcibly();
      try {
        w.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Files.deleteIfExists(marker);
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The marker stays; the next reaper finds it unlocked and its directory gone.
    }
  }

  /**
   * Ends the servers in {@code parent} whose owner JVM is gone, and deletes their data: every
   * {@code *.owner} marker that no live process holds locked.
   */
  static void reapOrphans(Path parent) {
    if (!Files.isDirectory(parent)) {
      return;
    }
    List<Path> markers = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(parent, "*" + SUFFIX)) {
      all.forEach(markers::add);
    } catch (IOException e) {
      return;
    }
    for (Path marker : markers) {
      try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.WRITE)) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          continue; // this JVM's own server
        }
        if (lock == null) {
          continue; // a live JVM holds it
        }
        String name = marker.getFileName().toString();
        Path dir = marker.resolveSibling(name.substring(0, name.length() - SUFFIX.length()));
        stopPostmaster(dir);
        deleteTree(dir);
        Files.deleteIfExists(marker);
        lock.release();
      } catch (NoSuchFileException e) {
        // Reaped by another JVM meanwhile.
      } catch (IOException | UncheckedIOException e) {
        // Left for the next start or the build directory's clean.
      }
    }
  }

  /** Stops the postmaster of an orphaned data directory, if one still runs there. */
  private static void stopPostmaster(Path dir) {
    Path pidFile = dir.resolve("postmaster.pid");
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    } catch (IOException | RuntimeException e) {
      return; // never started, or stopped cleanly
    }
    Optional<ProcessHandle> postmaster = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (postmaster.isEmpty()) {
      return;
    }
    // A PID the OS reused for something else is left alone.
    Optional<String> command = postmaster.get().info().command();
    if (command.isPresent() && !command.get().endsWith("postgres")) {
      return;
    }
    try {
      Path binDir = command.map(Path::of).map(Path::getParent)
          .orElse(BranchServer.postgresBinary(dir).getParent());
      Process stop = new ProcessBuilder(stopCommand(binDir, dir))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!stop.waitFor(30, TimeUnit.SECONDS)) {
        stop.destroyForcibly();
      }
    } catch (IOException e) {
      // Signalled directly below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (postmaster.get().isAlive()) {
      postmaster.get().destroyForcibly();
      postmaster.get().onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }

  /** {@code pg_ctl stop -m immediate} for {@code dir}, as the kit runs it. */
  static List<String> stopCommand(Path binDir, Path dir) {
    return BranchServer.command(binDir.resolve("pg_ctl").toString(), "-D", dir.toString(), "-m",
        "immediate", "-w", "stop");
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Left for the build directory's clean.
    }
  }
}
