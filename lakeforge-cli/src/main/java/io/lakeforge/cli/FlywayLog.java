package io.lakeforge.cli;

import java.util.function.Consumer;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's logging in {@code branch migrate}: named in {@code loggers(...)}, so Flyway uses it
 * instead of whatever it detects on the class path. Flyway logs server text (a notice or
 * warning raised by a migration comes out as {@code DB: ...}, a failure in full), so by default
 * every line is dropped; with {@code --show-server-messages} they go to the {@linkplain #show
 * sink}, masked. Public with a public constructor because Flyway instantiates it by name.
 */
public final class FlywayLog implements LogCreator {

  private static volatile Consumer<String> sink = line -> { };

  /** Flyway calls this constructor by reflection. */
  public FlywayLog() {}

  /** Where Flyway's lines go from now on; {@code null} drops them. */
  static void show(Consumer<String> lines) {
    sink = lines == null ? line -> { } : lines;
  }

  @Override
  public Log createLogger(Class<?> type) {
    return new Log() {
      @Override
      public boolean isDebugEnabled() {
        return false;
      }

      @Override
      public void debug(String message) {}

      @Override
      public void info(String message) {
        sink.accept(message);
      }

      @Override
      public void warn(String message) {
        sink.accept("WARNING: " + message);
      }

      @Override
      public void error(String message) {
        sink.accept("ERROR: " + message);
      }

      @Override
      public void error(String message, Exception e) {
        sink.accept("ERROR: " + message);
      }

      @Override
      public void notice(String message) {
        sink.accept(message);
      }
    };
  }
}
