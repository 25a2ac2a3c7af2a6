package io.lakeforge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second embedded PostgreSQL 17 with {@code ssl=on}, listening on 127.0.0.1 and 127.0.0.2, whose
 * certificate is signed by a CA generated for this run with {@code openssl}. The certificate
 * names 127.0.0.1 only, so 127.0.0.2 reaches the same server under a name it does not carry.
 */
public final class TlsPostgres implements AutoCloseable {

  private final Path dir;
  private final EmbeddedPostgres postgres;

  private TlsPostgres(Path dir, EmbeddedPostgres postgres) {
    this.dir = dir;
    this.postgres = postgres;
  }

  public static TlsPostgres start() throws IOException, SQLException, InterruptedException {
    Path base = Files.createDirectories(Path.of("target").toAbsolutePath());
    Path dir = Files.createTempDirectory(base, "tls-");
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
        "ca.crt", "-days", "2", "-subj", "/CN=LakeForge test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
        "server.csr", "-subj", "/CN=127.0.0.1");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n"
        + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        + "extendedKeyUsage=serverAuth\n");
    openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
    Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(Files.createTempDirectory(base, "embedded-pg-tls-"))
        .setCleanDataDirectory(true)
        .setServerConfig("listen_addresses", "127.0.0.1,127.0.0.2")
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", dir.resolve("server.crt").toString())
        .setServerConfig("ssl_key_file", dir.resolve("server.key").toString())
        .start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("create role \"" + TestLakebase.ROLE + "\" login");
      s.execute("create database " + TestLakebase.DATABASE);
    }
    return new TlsPostgres(dir, pg);
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: "
          + Files.readString(dir.resolve("openssl.log")));
    }
  }

  /** The PEM file of the CA that signed the server's certificate. */
  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
