package io.lakeforge.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text the command line prints. It knows the secret values themselves (the
 * variables that hold credentials, and password-like entries of {@code LAKEBASE_JDBC_PROPERTIES}),
 * so it also catches a value that has no recognisable shape, such as the GitHub Actions request
 * token in the SDK's configuration dump ({@code actions_id_token_request_token=...}, which the SDK
 * does not mark sensitive). Shapes catch the rest: {@code name=value} pairs whose name says
 * token, secret or password, bearer values and JWTs.
 */
final class Redactor {

  static final String MASK = "<redacted>";

  /** Variables whose value is a credential, whatever its shape. */
  static final Set<String> SECRET_VARIABLES = Set.of("ACTIONS_ID_TOKEN_REQUEST_TOKEN",
      "DATABRICKS_CLIENT_SECRET", "DATABRICKS_TOKEN", "DATABRICKS_PASSWORD", "PGPASSWORD",
      "DATABRICKS_OIDC_TOKEN", "ARM_CLIENT_SECRET", "GOOGLE_CREDENTIALS", "GITHUB_TOKEN",
      "ACTIONS_RUNTIME_TOKEN");

  /** Shorter values would mask ordinary words; none of the variables above holds one that short. */
  private static final int SHORTEST = 4;

  /**
   * {@code name=value} (or JSON's {@code "name": value}) where the name says it holds a secret:
   * the SDK's configuration dump ({@code token=***, actions_id_token_request_token=...}),
   * JDBC-style properties, form bodies. A name ending in {@code _url}, {@code _audience},
   * {@code _env} or {@code _path} holds no secret.
   */
  private static final Pattern PAIR = Pattern.compile("(?i)\\b([a-z0-9_.-]*(?:token|secret"
      + "|password|passwd|credentials)[a-z0-9_.-]*)(?<!_url|_audience|_env|_path|_filepath)"
      + "((?:[\"']\\s*:|\\s*=)\\s*[\"']?)[^\\s,;&\"'}]+");
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=-]+");
  private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}(\\.[A-Za-z0-9_-]*){0,2}");

  private final List<String> values;

  private Redactor(List<String> values) {
    this.values = values;
  }

  /** A redactor for the secrets found in {@code env}. */
  static Redactor of(Map<String, String> env) {
    List<String> values = new ArrayList<>();
    for (String name : SECRET_VARIABLES) {
      add(values, env.get(name));
    }
    // The SDK reads its OIDC token from the variable DATABRICKS_OIDC_TOKEN_ENV names.
    String indirect = env.get("DATABRICKS_OIDC_TOKEN_ENV");
    if (indirect != null) {
      add(values, env.get(indirect.strip()));
    }
    // Malformed text included (the point is to mask what a bad value echoes): every entry whose
    // name looks like a password, separated by '=' or ':'.
    String jdbc = env.get("LAKEBASE_JDBC_PROPERTIES");
    if (jdbc != null) {
      for (String entry : jdbc.split(",")) {
        int at = indexOfSeparator(entry);
        String key = at < 0 ? entry : entry.substring(0, at);
        if (at >= 0 && key.toLowerCase(Locale.ROOT).matches(".*(password|secret|token).*")) {
          add(values, entry.substring(at + 1).strip());
        }
      }
    }
    // Longest first, so a secret containing another is masked whole.
    values.sort(Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(values));
  }

  private static int indexOfSeparator(String entry) {
    int eq = entry.indexOf('=');
    int colon = entry.indexOf(':');
    return eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  }

  private static void add(List<String> values, String value) {
    if (value != null && value.strip().length() >= SHORTEST) {
      values.add(value);
      if (!value.strip().equals(value)) {
        values.add(value.strip());
      }
    }
  }

  /** {@code text} with every known secret value and every secret-shaped value masked. */
  String redact(String text) {
    String shown = text;
    for (String value : values) {
      shown = shown.replace(value, MASK);
    }
    shown = PAIR.matcher(shown).replaceAll("$1$2" + MASK);
    shown = BEARER.matcher(shown).replaceAll("$1" + MASK);
    return JWT.matcher(shown).replaceAll(MASK);
  }

  /** Redacted, on one line: a command-line error is one line. */
  String line(String text) {
    return redact(text).strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
