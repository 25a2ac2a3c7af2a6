package io.lakeforge.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures every log record (LakeForge's System.Logger, the SDK through slf4j-jdk14, Agroal,
 * the PostgreSQL driver) at every level, formatted with parameters and stack traces.
 */
public final class LogCapture implements AutoCloseable {

  /**
   * Loggers raised to ALL unless told otherwise. The root stays at its INFO default: Apache
   * HttpClient's wire log (DEBUG on {@code org.apache.http.wire}) dumps raw HTTP, headers and
   * bodies included, by design, and must never be enabled where credentials flow.
   */
  public static final String[] LAKEFORGE_AND_DRIVERS = {"io.lakeforge", "io.agroal",
      "org.postgresql", "org.jooq"};

  private final String[] loggers;

  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final List<Level> previous = new ArrayList<>();
  private final Handler handler = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      StringBuilder line = new StringBuilder(formatter.format(record));
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        line.append(trace);
      }
      lines.add(line.toString());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  /** Captures everything at INFO and above, and everything at all from the given loggers. */
  public LogCapture(String... verboseLoggers) {
    this.loggers = verboseLoggers;
    handler.setLevel(Level.ALL);
    for (String name : loggers) {
      Logger logger = Logger.getLogger(name);
      previous.add(logger.getLevel());
      logger.setLevel(Level.ALL);
    }
    Logger.getLogger("").addHandler(handler);
  }

  public String text() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  public int count() {
    return lines.size();
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(handler);
    for (int i = 0; i < loggers.length; i++) {
      Logger.getLogger(loggers[i]).setLevel(previous.get(i));
    }
  }
}
