package io.lakeforge.cli;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The message for a failed Databricks login: which auth type failed, the SDK's reason (the
 * {@link ErrorReport} masks the secrets its configuration dump holds) and what to check for that
 * auth type.
 */
final class Authentication {

  private Authentication() {}

  /**
   * @param authType the SDK's resolved auth type, or {@code null} when the client was not built
   * @param e what the SDK threw while building the client or logging in
   */
  static String failure(Map<String, String> env, @Nullable String authType, RuntimeException e) {
    String type = authType != null && !authType.isBlank() ? authType
        : env.getOrDefault("DATABRICKS_AUTH_TYPE", "");
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String which = type.isBlank() ? "Databricks authentication" : type + " authentication";
    return which + " failed (" + reason + "). " + check(type.toLowerCase(Locale.ROOT));
  }

  private static String check(String type) {
    return switch (type) {
      case "github-oidc" -> "Check that the job has permissions: id-token: write (forked pull"
          + " requests get no ID token), so that ACTIONS_ID_TOKEN_REQUEST_URL and"
          + " ACTIONS_ID_TOKEN_REQUEST_TOKEN are the job's own; that DATABRICKS_CLIENT_ID is the"
          + " service principal's application id and DATABRICKS_HOST its workspace; and that the"
          + " service principal's federation policy matches the job's subject (e.g."
          + " repo:ORG/REPO:environment:NAME) and DATABRICKS_TOKEN_AUDIENCE.";
      case "oauth-m2m" -> "Check DATABRICKS_HOST, DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET"
          + " (an OAuth secret of that service principal, not expired).";
      case "pat" -> "Check DATABRICKS_HOST and DATABRICKS_TOKEN (a personal access token of that"
          + " workspace, not expired).";
      default -> "Set DATABRICKS_HOST and one of: DATABRICKS_CLIENT_ID with"
          + " DATABRICKS_CLIENT_SECRET, DATABRICKS_AUTH_TYPE=github-oidc with DATABRICKS_CLIENT_ID"
          + " (GitHub Actions), DATABRICKS_TOKEN, or DATABRICKS_CONFIG_PROFILE.";
    };
  }
}
