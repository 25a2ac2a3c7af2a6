package io.lakeforge.runtime.internal;

import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseConfigException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * LakeForge's TLS rules. The password LakeForge sends is a workspace OAuth token, so the server
 * must prove who it is: {@code verify-full} against the JVM trust store (pgjdbc's
 * {@code DefaultJavaSSLFactory}) or against a PEM CA file ({@code PGSSLROOTCERT}, pgjdbc's
 * {@code LibPQFactory}). Modes that do not verify ({@code disable}, {@code allow},
 * {@code prefer}, {@code require}) are refused for hosts that are not loopback unless the user
 * opts in by name.
 */
public final class Tls {

  private static final Set<String> VERIFYING = Set.of("verify-ca", "verify-full");

  private Tls() {}

  /**
   * Refuses a non-verifying mode for a host that is not loopback, unless allowed.
   *
   * @throws LakebaseConfigException naming {@code PGSSLMODE}, saying why and how to opt in
   */
  public static void check(LakebaseConfig config, String host) {
    String mode = config.sslMode();
    if (VERIFYING.contains(mode) || isLoopback(host)
        || Boolean.TRUE.equals(config.get(io.lakeforge.runtime.LakebaseSettings.ALLOW_UNVERIFIED_TLS))) {
      return;
    }
    throw new LakebaseConfigException("PGSSLMODE", "PGSSLMODE=" + mode + " does not verify the"
        + " server's certificate, so the Databricks OAuth token LakeForge sends as the password"
        + " could be read by anyone on the path to " + host + ". Use verify-full (the default):"
        + " it trusts the JVM's CA certificates, or a PEM file named by PGSSLROOTCERT (builder:"
        + " sslRootCert). To connect without verification anyway, set"
        + " LAKEBASE_ALLOW_UNVERIFIED_TLS=true (builder: allowUnverifiedTls(true)).");
  }

  /** Loopback by its literal form only: no name is resolved. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  /** The pgjdbc TLS properties for these settings. */
  public static void apply(LakebaseConfig config, Properties p) {
    String mode = config.sslMode();
    p.setProperty("sslmode", mode);
    if (VERIFYING.contains(mode)) {
      Path root = config.sslRootCert();
      if (root != null) {
        p.setProperty("sslfactory", "org.postgresql.ssl.LibPQFactory");
        p.setProperty("sslrootcert", root.toString());
      } else {
        p.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
      }
    }
  }

  /**
   * A message that says what to do when a login failed on TLS verification, or {@code null}.
   */
  public static @Nullable String explain(LakebaseConfig config, String host, SQLException e) {
    boolean tls = false;
    boolean hostname = false;
    boolean plain = false;
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("The server does not support SSL")) {
        plain = true;
      }
      if (m.contains("could not be verified by hostnameverifier")) {
        hostname = true;
      }
      if (c instanceof SSLException || c instanceof CertificateException || m.startsWith("SSL error")
          || m.contains("SSL root certificate")) {
        tls = true;
      }
    }
    if (hostname) {
      return "TLS: the server's certificate does not name " + host + " (sslmode "
          + config.sslMode() + "). Connect with the host name the certificate carries (the"
          + " endpoint's status.hosts.host), not an address or alias.";
    }
    if (plain) {
      return "TLS: " + host + " does not accept TLS connections (sslmode " + config.sslMode()
          + "); a Lakebase endpoint always does, so check PGHOST (lakeforge.host) and the"
          + " endpoint. Only for a local PostgreSQL without TLS, set PGSSLMODE=disable"
          + " (lakeforge.ssl-mode=disable).";
    }
    if (!tls) {
      return null;
    }
    Path root = config.sslRootCert();
    String trusted = root == null ? "the JVM trust store" : "PGSSLROOTCERT (" + root + ")";
    return "TLS: the certificate of " + host + " could not be verified against " + trusted + " ("
        + e.getMessage() + "). Set PGSSLROOTCERT (builder: sslRootCert) to a PEM file holding the"
        + " CA that signed the server's certificate, or add that CA to the JVM trust store.";
  }
}
