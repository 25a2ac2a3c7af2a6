package io.lakeforge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * LakeForge logs through {@link System.Logger}; with the starter those lines are SLF4J events of
 * the same logger name in Boot's logging system (Logback here), ruled by {@code logging.level.*},
 * from start to the last bean closed.
 */
class LakeforgeLoggingTest {

  private static final String MARKER = UUID.randomUUID().toString();

  /** Logs as LakeForge's pools do when the context closes them (their destroy method). */
  static final class ClosingBean implements AutoCloseable {
    @Override
    public void close() {
      System.getLogger("io.lakeforge.runtime").log(Level.WARNING, "closed with a borrowed"
          + " connection {0}", MARKER);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(LakeforgeAutoConfiguration.class)
  static class App {
    @Bean(destroyMethod = "close")
    ClosingBean closing() {
      return new ClosingBean();
    }
  }

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  private static Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private ConfigurableApplicationContext start(String... args) {
    SpringApplication app = new SpringApplication(App.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    ConfigurableApplicationContext context = app.run(args);
    // Attached after the start: Boot resets Logback's configuration while it starts.
    events.start();
    root().addAppender(events);
    return context;
  }

  @BeforeEach
  @AfterEach
  void detach() {
    root().detachAppender(events);
    events.list.clear();
  }

  private List<ILoggingEvent> mine() {
    return events.list.stream().filter(e -> e.getFormattedMessage().contains(MARKER)).toList();
  }

  @Test
  void linesLoggedWhileTheContextClosesItsBeansReachLogback() {
    // Boot's java.util.logging bridge is gone by then: without the LoggerFinder they are lost.
    start().close();
    assertThat(mine()).singleElement().satisfies(e -> {
      assertThat(e.getLoggerName()).isEqualTo("io.lakeforge.runtime");
      assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(e.getFormattedMessage()).isEqualTo("closed with a borrowed connection " + MARKER);
    });
  }

  @Test
  void systemLoggerLinesFollowBootsLoggingLevels() {
    try (ConfigurableApplicationContext context = start(
        "--logging.level.io.lakeforge.runtime=DEBUG", "--logging.level.io.lakeforge.quiet=ERROR")) {
      System.Logger runtime = System.getLogger("io.lakeforge.runtime");
      System.Logger quiet = System.getLogger("io.lakeforge.quiet");
      runtime.log(Level.DEBUG, "shown at debug {0}", MARKER);
      quiet.log(Level.WARNING, "hidden warning {0}", MARKER);

      assertThat(runtime.isLoggable(Level.DEBUG)).isTrue();
      assertThat(quiet.isLoggable(Level.WARNING)).isFalse();
      assertThat(mine()).singleElement().satisfies(e -> {
        assertThat(e.getLoggerName()).isEqualTo("io.lakeforge.runtime");
        assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
        assertThat(e.getFormattedMessage()).isEqualTo("shown at debug " + MARKER);
      });
    }
  }
}
