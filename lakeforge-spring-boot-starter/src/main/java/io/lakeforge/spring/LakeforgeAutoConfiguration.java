package io.lakeforge.spring;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakeforge.micrometer.LakebaseMetrics;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import io.micrometer.core.instrument.binder.MeterBinder;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * LakeForge for Spring Boot 4.0: with {@code lakeforge.endpoint} (or {@code LAKEBASE_ENDPOINT})
 * set, a {@link DataSource} that logs in with Lakebase credentials (LakeForge's pool by default,
 * {@code lakeforge.pool=hikari} for HikariCP over {@link LakebaseDataSource}); Boot's jOOQ and
 * Flyway auto-configurations use it. A {@link Lakebase} bean for per-branch contexts from the
 * generated {@code Branches} handles, with or without an endpoint. Health and Micrometer meters
 * when the application has actuator and Micrometer. The application's own {@link
 * WorkspaceClient} bean is used when there is one, else the SDK's default chain. Everything backs
 * off when the application defines its own {@code DataSource}; beans are closed (waiting up to
 * {@code lakeforge.close-grace} for borrowed connections) when the context closes.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({LakebasePool.class, DataSource.class})
@ConditionalOnMissingBean(DataSource.class)
public class LakeforgeAutoConfiguration {

  /** Settings from {@code lakeforge.*} properties and the runtime's environment variables. */
  @Bean
  @ConditionalOnMissingBean
  public LakebaseConfig lakebaseConfig(Environment environment) {
    return LakeforgeProperties.bind(environment);
  }

  /**
   * Per-branch jOOQ contexts: {@code lakebase.readWrite(Branches.DEV)}. Lazy: an application that
   * never asks for it needs no Databricks authentication for it.
   */
  @Bean(destroyMethod = "close")
  @Lazy
  @ConditionalOnMissingBean
  public Lakebase lakebase(LakebaseConfig config, ObjectProvider<WorkspaceClient> clients) {
    return Lakebase.create(config.toBuilder().endpoint(null).build(), client(clients));
  }

  static WorkspaceClient client(ObjectProvider<WorkspaceClient> clients) {
    return clients.getIfAvailable(Lakebase::defaultClient);
  }

  /** The default: LakeForge's Agroal pool on the configured endpoint. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(OnLakeforgePoolCondition.class)
  static class LakeforgePoolConfiguration {

    @Bean(destroyMethod = "close")
    LakebasePool dataSource(LakebaseConfig config, ObjectProvider<WorkspaceClient> clients) {
      return LakebasePool.create(config, client(clients));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {
      @Bean
      LakebaseMetrics lakebaseMetrics(LakebasePool pool) {
        return LakebaseMetrics.forPool(pool);
      }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("lakebase")
    static class Health {
      @Bean
      LakebaseHealthIndicator lakebaseHealthIndicator(LakebasePool pool) {
        return LakebaseHealthIndicator.of(pool);
      }
    }
  }

  /** {@code lakeforge.pool=hikari}: Boot's HikariCP over an unpooled LakebaseDataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HikariDataSource.class)
  @Conditional(OnHikariPoolCondition.class)
  static class HikariPoolConfiguration {

    @Bean(destroyMethod = "close")
    LakebaseDataSource lakebaseDataSource(LakebaseConfig config,
        ObjectProvider<WorkspaceClient> clients) {
      return LakebaseDataSource.create(config, client(clients));
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(LakebaseConfig config, LakebaseDataSource lakebase) {
      HikariConfig hikari = new HikariConfig();
      hikari.setPoolName("lakeforge-hikari");
      hikari.setDataSource(lakebase);
      hikari.setMaximumPoolSize(config.maxSize());
      hikari.setMinimumIdle(config.minSize());
      hikari.setConnectionTimeout(config.acquisitionTimeout().toMillis());
      hikari.setMaxLifetime(config.maxLifetime().toMillis());
      hikari.setIdleTimeout(config.maxIdle().toMillis());
      hikari.setInitializationFailTimeout(-1);
      return new HikariDataSource(hikari);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {
      @Bean
      LakebaseMetrics lakebaseMetrics(LakebaseDataSource dataSource) {
        return LakebaseMetrics.forDataSource(dataSource);
      }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("lakebase")
    static class Health {
      @Bean
      LakebaseHealthIndicator lakebaseHealthIndicator(LakebaseDataSource dataSource) {
        return LakebaseHealthIndicator.of(dataSource);
      }
    }
  }
}
