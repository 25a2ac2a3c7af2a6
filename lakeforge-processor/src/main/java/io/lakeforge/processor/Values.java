package io.lakeforge.processor;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Value rules shared by the access and compute checks: variables, durations, names. */
final class Values {

  /**
   * A whole-value bundle variable reference. The bundle schema accepts {@code ${var.name}} where
   * the name is letters, then groups of letters and digits joined by {@code -} or {@code _}
   * ({@code bundle/schema/jsonschema.json}, the string alternative of every field); LakeForge
   * accepts its ASCII part.
   */
  static final Pattern VARIABLE = Pattern.compile("\\$\\{var\\.[A-Za-z]+([-_]*[A-Za-z0-9]+)*}");

  /** A service principal's application id. */
  static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** A user name: an e-mail address, loosely. */
  static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

  /** A lowercase unquoted Postgres identifier of at most 63 bytes (NAMEDATALEN - 1). */
  static final Pattern POSTGRES_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  /** A Postgres setting name ({@code work_mem}, {@code auto_explain.log_min_duration}). */
  static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  static final Duration MIN_SUSPEND = Duration.ofSeconds(60);
  static final Duration MAX_SUSPEND = Duration.ofSeconds(604800);
  static final Duration MIN_HISTORY = Duration.ofSeconds(172800);
  static final Duration MAX_HISTORY = Duration.ofSeconds(3024000);

  private Values() {}

  static boolean isReference(String value) {
    return value.contains("${");
  }

  static boolean isVariable(String value) {
    return VARIABLE.matcher(value).matches();
  }

  /** The duration if it is a whole number of seconds within {@code [min, max]}, else {@code null}. */
  static Duration seconds(String iso, Duration min, Duration max) {
    Duration d;
    try {
      d = Duration.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
    return d.getNano() == 0 && d.compareTo(min) >= 0 && d.compareTo(max) <= 0 ? d : null;
  }
}
