package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseConfigException;
import io.lakeforge.runtime.LakebaseCredentialException;
import io.lakeforge.runtime.LakebaseException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a start that failed in LakeForge (a bad setting, a credential the API would not mint, a
 * connection that could not be opened) into Boot's failure report: LakeForge's own message as the
 * description, instead of the nested {@code BeanCreationException}s around it, and what to do as
 * the action. Chooses by exception type and SQLSTATE, never by another library's message text.
 */
public final class LakeforgeFailureAnalyzer implements FailureAnalyzer {

  /** SQLSTATE pgjdbc gives a connection the server refused before login (no TLS among them). */
  static final String CONNECTION_REJECTED = "08004";

  @Override
  public @Nullable FailureAnalysis analyze(Throwable failure) {
    Throwable cause = lakeforgeCause(failure);
    if (cause == null) {
      return null;
    }
    StringBuilder description = new StringBuilder("LakeForge: ").append(cause.getMessage());
    String sqlState = cause instanceof SQLException s ? s.getSQLState() : null;
    if (sqlState != null && !String.valueOf(cause.getMessage()).contains(sqlState)) {
      description.append(" (SQLSTATE ").append(sqlState).append(')');
    }
    Throwable reason = cause.getCause();
    if (reason != null && reason.getMessage() != null
        && !String.valueOf(cause.getMessage()).contains(reason.getMessage())) {
      description.append("\nCaused by: ").append(reason.getMessage());
    }
    String action = action(cause);
    if (cause instanceof LakebaseException && String.valueOf(cause.getMessage())
        .contains("(failFast)")) { // LakebasePool's own wording for a start that failed fast
      action += " To start without connecting (each request then has a budget of its own), set"
          + " lakeforge.fail-fast=false.";
    }
    return new FailureAnalysis(description.toString(), action, cause);
  }

  private static String action(Throwable cause) {
    if (cause instanceof LakebaseConfigException c) {
      return "Correct " + c.variable() + ". Every lakeforge.* property (with the environment"
          + " variable it falls back to) is in the starter's configuration metadata and in"
          + " docs/runtime.md.";
    }
    if (hasSqlState(cause, CONNECTION_REJECTED)) {
      return "The server refused the connection before login. If it says it does not support"
          + " SSL: Lakebase always offers TLS, so the host is not a Lakebase endpoint (check"
          + " lakeforge.host / PGHOST); a local PostgreSQL without TLS needs"
          + " lakeforge.ssl-mode=disable (PGSSLMODE=disable), on loopback only.";
    }
    if (hasSqlStateClass(cause, "28")) {
      return "The server refused the login. Check lakeforge.user (PGUSER): it must be the"
          + " PostgreSQL role of the Databricks identity the application runs as, with a role"
          + " on the branch.";
    }
    if (cause instanceof LakebaseCredentialException || hasCause(cause,
        LakebaseCredentialException.class)) {
      return "The Databricks API did not mint a Lakebase credential. Check the workspace"
          + " (DATABRICKS_HOST) and the application's Databricks authentication, and the"
          + " endpoint path (lakeforge.endpoint); lakeforge.api-timeout and"
          + " lakeforge.api-attempts bound each refresh.";
    }
    return "See the cause above. lakeforge.acquisition-timeout bounds how long a connection"
        + " may take; docs/runtime.md lists every setting.";
  }

  /**
   * The outermost LakeForge exception: a {@link LakebaseException}, or an {@link SQLException}
   * raised while LakeForge opened a connection (its stack passes through LakeForge, as pgjdbc's
   * own do when LakeForge's pool opens them).
   */
  static @Nullable Throwable lakeforgeCause(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      if (t instanceof LakebaseException || (t instanceof SQLException && thrownByLakeforge(t))) {
        return t;
      }
    }
    return null;
  }

  private static boolean thrownByLakeforge(Throwable t) {
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getClassName().startsWith("io.lakeforge.")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasSqlState(Throwable cause, String state) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException s && state.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasSqlStateClass(Throwable cause, String prefix) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null
          && s.getSQLState().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasCause(Throwable cause, Class<?> type) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
