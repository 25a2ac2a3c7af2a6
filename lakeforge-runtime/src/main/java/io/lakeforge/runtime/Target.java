package io.lakeforge.runtime;

import com.databricks.sdk.WorkspaceClient;
import io.lakeforge.runtime.internal.Tls;
import java.util.function.Supplier;

/**
 * Where and as whom one endpoint is reached: host and user resolution below every LakeForge type
 * ({@link Lakebase}, {@link LakebasePool}, {@link LakebaseDataSource}), so none calls back up.
 *
 * @param name the name used as the prefix of log lines and messages
 */
record Target(String name, String workspace, String endpoint, String host, int port, String user) {

  /**
   * Resolves the host (configured, else the endpoint's {@code status.hosts.host}) and the user
   * (configured, else {@code user}), and checks the TLS rules for that host; the host lookup
   * ends by {@code deadline} ({@link System#nanoTime()}).
   */
  static Target resolve(LakebaseConfig config, WorkspaceClient client, DatabricksCalls calls,
      String endpoint, Supplier<String> user, long deadline) {
    String configured = config.host();
    String host = configured != null ? configured : calls.host(endpoint, deadline);
    int port = config.port();
    int colon = host.lastIndexOf(':');
    if (host.startsWith("[") && host.contains("]:")) {
      port = port(host.substring(host.indexOf("]:") + 2), configured);
      host = host.substring(1, host.indexOf(']'));
    } else if (colon > 0 && host.indexOf(':') == colon) {
      // host:port (one colon); an IPv6 literal has several and is taken as it is.
      port = port(host.substring(colon + 1), configured);
      host = host.substring(0, colon);
    } else if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    Tls.check(config, host);
    String u = config.user() != null ? config.user() : user.get();
    return new Target(name(endpoint), workspace(client), endpoint, host, port, u);
  }

  private static int port(String text, String configured) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new LakebaseConfigException("PGHOST", "PGHOST=\"" + configured + "\" has a port that"
        + " is not a number from 1 to 65535. Set PGHOST to a host name and PGPORT to the port.");
  }

  static String name(String endpoint) {
    String[] p = endpoint.split("/");
    return "lakebase[" + p[1] + "/" + p[3] + "/" + p[5] + "]";
  }

  static String workspace(WorkspaceClient client) {
    return client.config() == null ? "" : String.valueOf(client.config().getHost());
  }

  CredentialCache.Key key() {
    return new CredentialCache.Key(workspace, endpoint, user);
  }
}
