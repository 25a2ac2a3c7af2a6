package io.lakeforge.testing;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of the emulator's fault knobs, as the command line and {@code POST /emulator/faults}
 * take them; each error message starts with the knob's name.
 */
final class FaultValues {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

  private FaultValues() {}

  /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT1.5S}). */
  static Duration duration(String name, String text, boolean positive) {
    String t = text == null ? "" : text.strip();
    Duration d;
    Matcher m = SIMPLE.matcher(t.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      } else {
        d = Duration.parse(t);
      }
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + ": not a duration: '" + t
          + "' (e.g. 250ms, 2s, 5m, 1h or PT1.5S)");
    }
    if (d.isNegative() || (positive && d.isZero())) {
      throw new IllegalArgumentException(name + ": must be " + (positive ? "more than" : "at least")
          + " zero: '" + t + "'");
    }
    return d;
  }

  /** A fraction of calls, 0 to 1. */
  static double rate(String name, String text) {
    String t = text == null ? "" : text.strip();
    double r;
    try {
      r = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": not a number from 0 to 1: '" + t + "'");
    }
    if (!(r >= 0 && r <= 1)) {
      throw new IllegalArgumentException(name + ": not a number from 0 to 1: '" + t + "'");
    }
    return r;
  }

  /** {@code true} or {@code false}. */
  static boolean bool(String name, String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + ": not true or false: '" + text + "'");
    };
  }
}
