package io.lakeforge.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.testing.TestLakebase;
import java.sql.Connection;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link SpringLakebase} in Spring transactions, against PostgreSQL and the emulator: the
 * application's branch context joins them as Boot's {@code DSLContext} does, another branch's
 * context joins the transaction manager it is given, and SQL errors are Spring's.
 */
class SpringLakebaseTest {

  /** The application's branch: the endpoint of {@code lakeforge.endpoint}. */
  static final BranchRef DEV = new BranchRef("lakeforge-main", "dev", "primary", "");
  /** Another branch; the test's host setting sends it to the same server, through its own pool. */
  static final BranchRef OTHER = new BranchRef("lakeforge-main", "other", "primary", "");

  private final TestLakebase env = TestLakebase.get();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LakeforgeAutoConfiguration.class,
          DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
          JdbcTemplateAutoConfiguration.class, JooqAutoConfiguration.class,
          SpringLakebaseAutoConfiguration.class))
      .withPropertyValues("lakeforge.host=127.0.0.1", "lakeforge.port=" + env.port(),
          "lakeforge.database=" + TestLakebase.DATABASE, "lakeforge.user=" + TestLakebase.ROLE,
          "lakeforge.ssl-mode=disable", "lakeforge.acquisition-timeout=10s",
          "lakeforge.api-timeout=2s", "lakeforge.close-grace=2s",
          "lakeforge.endpoint=" + TestLakebase.ENDPOINT)
      .withBean(WorkspaceClient.class, env::client);

  /** A note written by one test only, so counts ignore the other tests' rows. */
  private final String note = "note-" + UUID.randomUUID();

  @BeforeAll
  static void table() throws Exception {
    try (Connection c = TestLakebase.get().superuser(TestLakebase.DATABASE).getConnection();
        var s = c.createStatement()) {
      s.execute("create table if not exists spring_tx_notes"
          + " (id serial primary key, body text not null)");
      s.execute("grant all on spring_tx_notes, spring_tx_notes_id_seq to \""
          + TestLakebase.ROLE + "\"");
    }
  }

  @BeforeEach
  void reset() {
    env.emulator().reset();
  }

  private static void insert(DSLContext dsl, String body) {
    dsl.execute("insert into spring_tx_notes(body) values (?)", body);
  }

  private static void insert(JdbcTemplate jdbc, String body) {
    jdbc.update("insert into spring_tx_notes(body) values (?)", body);
  }

  /** Committed rows, counted on a connection of its own (the superuser's, outside the beans). */
  private int committed(String body) throws Exception {
    try (Connection c = env.superuser(TestLakebase.DATABASE).getConnection();
        var s = c.prepareStatement("select count(*) from spring_tx_notes where body = ?")) {
      s.setString(1, body);
      try (var r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void theApplicationBranchsWriteAndJdbcTemplatesRollBackTogether() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      DSLContext dev = context.getBean(SpringLakebase.class).readWrite(DEV);
      JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
      TransactionTemplate tx = new TransactionTemplate(
          context.getBean(PlatformTransactionManager.class));
      assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
        insert(dev, note);
        insert(jdbc, note);
        throw new Boom();
      })).isInstanceOf(Boom.class);
      assertThat(committed(note)).isZero();
    });
  }

  @Test
  void theApplicationBranchsWriteAndJdbcTemplatesCommitTogether() {
    runner.run(context -> {
      DSLContext dev = context.getBean(SpringLakebase.class).readWrite(DEV);
      JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
      TransactionTemplate tx = new TransactionTemplate(
          context.getBean(PlatformTransactionManager.class));
      tx.executeWithoutResult(status -> {
        insert(dev, note);
        insert(jdbc, note);
        // One connection, one transaction: each sees the other's write, nobody else sees either.
        assertThat(dev.fetchValue("select count(*) from spring_tx_notes where body = ?", note))
            .isEqualTo(2L);
        assertThat(dev.fetchValue("select pg_backend_pid()"))
            .isEqualTo(jdbc.queryForObject("select pg_backend_pid()", Integer.class));
        try {
          assertThat(committed(note)).isZero();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(committed(note)).isEqualTo(2);
    });
  }

  @Test
  void outsideATransactionEachStatementCommitsAtOnceAndGivesItsConnectionBack() {
    runner.run(context -> {
      SpringLakebase lakebase = context.getBean(SpringLakebase.class);
      insert(lakebase.readWrite(DEV), note);
      assertThat(committed(note)).isEqualTo(1);
      insert(lakebase.readWrite(OTHER), note);
      assertThat(committed(note)).isEqualTo(2);
      assertThat(context.getBean(LakebasePool.class).stats().active()).isZero();
      assertThat(context.getBean(Lakebase.class).stats().values())
          .singleElement().satisfies(s -> assertThat(s.active()).isZero());
    });
  }

  @Test
  void jooqsTransactionApiRunsInTheApplicationsTransaction() {
    runner.run(context -> {
      DSLContext dev = context.getBean(SpringLakebase.class).readWrite(DEV);
      JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
      assertThatThrownBy(() -> dev.transaction(c -> {
        insert(c.dsl(), note);
        insert(jdbc, note);
        throw new Boom();
      })).isInstanceOf(Boom.class);
      assertThat(committed(note)).isZero();
    });
  }

  /** A service as an application writes it: {@code @Transactional}, nothing else. */
  static class Notes {
    private final DSLContext dev;
    private final JdbcTemplate jdbc;

    Notes(SpringLakebase lakebase, JdbcTemplate jdbc) {
      this.dev = lakebase.readWrite(DEV);
      this.jdbc = jdbc;
    }

    @Transactional
    public void writeBothThenFail(String body) {
      insert(dev, body);
      insert(jdbc, body);
      throw new Boom();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableTransactionManagement
  static class NotesConfiguration {
    @Bean
    Notes notes(SpringLakebase lakebase, JdbcTemplate jdbc) {
      return new Notes(lakebase, jdbc);
    }
  }

  @Test
  void aTransactionalMethodRollsBackTheApplicationBranchsWritesAsBootsDslContexts() {
    runner.withUserConfiguration(NotesConfiguration.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThatThrownBy(() -> context.getBean(Notes.class).writeBothThenFail(note))
          .isInstanceOf(Boom.class);
      assertThat(committed(note)).isZero();
      // Boot's own DSLContext and the branch context run on the same DataSource, no second pool.
      assertThat(context.getBean(Lakebase.class).stats()).isEmpty();
    });
  }

  @Test
  void onHikariTheApplicationBranchJoinsTransactionsAlike() {
    runner.withPropertyValues("lakeforge.pool=hikari").run(context -> {
      assertThat(context).hasSingleBean(HikariDataSource.class);
      DSLContext dev = context.getBean(SpringLakebase.class).readWrite(DEV);
      JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
      assertThatThrownBy(() -> new TransactionTemplate(
          context.getBean(PlatformTransactionManager.class)).executeWithoutResult(status -> {
            insert(dev, note);
            insert(jdbc, note);
            throw new Boom();
          })).isInstanceOf(Boom.class);
      assertThat(committed(note)).isZero();
    });
  }

  @Test
  void withTheApplicationsOwnDataSourceTheBranchContextHasTransactionsOfItsOwn() {
    DataSource mine = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
    runner.withBean("myDataSource", DataSource.class, () -> mine).run(context -> {
      assertThat(context).hasNotFailed();
      SpringLakebase lakebase = context.getBean(SpringLakebase.class);
      DSLContext dev = lakebase.readWrite(DEV);
      // The starter cannot tell where that DataSource connects: the context uses its own pool.
      assertThat(lakebase.transactionManager(dev))
          .isNotSameAs(context.getBean(PlatformTransactionManager.class));
      insert(dev, note);
      assertThat(committed(note)).isEqualTo(1);
    });
  }

  @Test
  void anotherBranchsContextJoinsTheTransactionManagerItIsGiven() {
    runner.run(context -> {
      SpringLakebase lakebase = context.getBean(SpringLakebase.class);
      DSLContext other = lakebase.readWrite(OTHER);
      PlatformTransactionManager otherTransactions = lakebase.transactionManager(other);
      assertThat(otherTransactions)
          .isNotSameAs(context.getBean(PlatformTransactionManager.class));
      TransactionTemplate tx = new TransactionTemplate(otherTransactions);
      assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
        insert(other, note);
        throw new Boom();
      })).isInstanceOf(Boom.class);
      assertThat(committed(note)).isZero();

      tx.executeWithoutResult(status -> {
        insert(other, note);
        try {
          assertThat(committed(note)).isZero();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(committed(note)).isEqualTo(1);
      // Its pool is Lakebase's, whose connections are all back.
      assertThat(context.getBean(Lakebase.class).stats().values())
          .singleElement().satisfies(s -> assertThat(s.active()).isZero());
    });
  }

  @Test
  void theApplicationsRollbackDoesNotUndoAnotherBranchsWrite() {
    runner.run(context -> {
      DSLContext other = context.getBean(SpringLakebase.class).readWrite(OTHER);
      TransactionTemplate tx = new TransactionTemplate(
          context.getBean(PlatformTransactionManager.class));
      assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
        insert(other, note);
        throw new Boom();
      })).isInstanceOf(Boom.class);
      // Another server, which this transaction cannot include: its write committed at once.
      assertThat(committed(note)).isEqualTo(1);
    });
  }

  @Test
  void sqlErrorsAreSpringDataAccessExceptions() {
    runner.run(context -> {
      SpringLakebase lakebase = context.getBean(SpringLakebase.class);
      assertThatThrownBy(() -> lakebase.readWrite(DEV)
          .execute("insert into spring_tx_notes(body) values (null)"))
          .isInstanceOf(DataIntegrityViolationException.class);
      assertThatThrownBy(() -> lakebase.readWrite(OTHER).execute("select from no_such_table"))
          .isInstanceOf(BadSqlGrammarException.class);
    });
  }

  @Test
  void sqlErrorsAreSpringsWithoutBootsJooqAutoConfigurationToo() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LakeforgeAutoConfiguration.class,
            DataSourceAutoConfiguration.class, SpringLakebaseAutoConfiguration.class))
        .withPropertyValues("lakeforge.host=127.0.0.1", "lakeforge.port=" + env.port(),
            "lakeforge.database=" + TestLakebase.DATABASE, "lakeforge.user=" + TestLakebase.ROLE,
            "lakeforge.ssl-mode=disable", "lakeforge.endpoint=" + TestLakebase.ENDPOINT)
        .withBean(WorkspaceClient.class, env::client)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(DSLContext.class);
          assertThatThrownBy(() -> context.getBean(SpringLakebase.class).readWrite(DEV)
              .execute("insert into spring_tx_notes(body) values (null)"))
              .isInstanceOf(DataIntegrityViolationException.class);
        });
  }
}
