package io.lakeforge.spring;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import io.lakeforge.runtime.LakebaseSettings;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * LakeForge for Spring Boot 4.0: with {@code lakeforge.endpoint} (or {@code LAKEBASE_ENDPOINT})
 * set, a {@link DataSource} that logs in with Lakebase credentials (LakeForge's pool by default,
 * {@code lakeforge.pool=hikari} for HikariCP over {@link LakebaseDataSource}, bound from {@code
 * spring.datasource.hikari.*} as Boot binds its own); Boot's jOOQ and Flyway auto-configurations
 * use it. A {@link Lakebase} bean for per-branch contexts from the generated {@code Branches}
 * handles, with or without an endpoint, and also when the application defines its own {@code
 * DataSource} (only the DataSource beans back off then). {@link LakebaseConfigCustomizer} beans
 * adjust the settings. The DataSource's database: {@code lakeforge.database} (or {@code
 * PGDATABASE}) when set, else the database the topology declares on the endpoint's branch, else
 * {@code databricks_postgres} — the rule {@code lakebase.readWrite(Branches.X)} follows. The
 * application's own {@link WorkspaceClient} bean is used when there is one, else the SDK's
 * default chain. Beans are closed (waiting up to {@code lakeforge.close-grace} for borrowed
 * connections) when the context closes. Health and meters are {@link
 * LakebaseHealthAutoConfiguration} and {@link LakebaseMetricsAutoConfiguration}.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({LakebasePool.class, DataSource.class})
public class LakeforgeAutoConfiguration {

  /**
   * Settings from {@code lakeforge.*} properties and the runtime's environment variables, then
   * the customizers.
   */
  @Bean
  @ConditionalOnMissingBean
  public LakebaseConfig lakebaseConfig(Environment environment,
      ObjectProvider<LakebaseConfigCustomizer> customizers) {
    LakebaseConfig bound = LakeforgeProperties.bind(environment);
    if (customizers.orderedStream().findAny().isEmpty()) {
      return bound;
    }
    LakebaseConfig.Builder builder = bound.toBuilder();
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
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

  /**
   * The DataSource's settings: the database the topology declares on the endpoint's branch unless
   * a database is set, as {@link Lakebase} does for a branch handle.
   */
  static LakebaseConfig forDataSource(LakebaseConfig config, ClassLoader loader) {
    if (config.isSet(LakebaseSettings.DATABASE)) {
      return config;
    }
    String endpoint = config.get(LakebaseSettings.ENDPOINT);
    if (endpoint == null) {
      return config;
    }
    return DeclaredDatabase.of(endpoint, loader)
        .map(d -> config.toBuilder().database(d).build()).orElse(config);
  }

  private static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : LakeforgeAutoConfiguration.class.getClassLoader();
  }

  /** The default: LakeForge's Agroal pool on the configured endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(DataSource.class)
  @Conditional(OnLakeforgePoolCondition.class)
  static class LakeforgePoolConfiguration {

    @Bean(destroyMethod = "close")
    LakebasePool dataSource(LakebaseConfig config, ObjectProvider<WorkspaceClient> clients) {
      return LakebasePool.create(forDataSource(config, loader()), client(clients));
    }

    @Bean
    ApplicationDataSource lakeforgeApplicationDataSource(LakebaseConfig config,
        @Qualifier("dataSource") DataSource dataSource) {
      return ApplicationDataSource.of(forDataSource(config, loader()), dataSource);
    }
  }

  /**
   * {@code lakeforge.pool=hikari}: Boot's HikariCP over an unpooled LakebaseDataSource. Pool size,
   * timeouts and lifetimes start from the {@code lakeforge.*} settings; {@code
   * spring.datasource.hikari.*} is then bound onto the pool, as Boot does for its own.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HikariDataSource.class)
  @ConditionalOnMissingBean(DataSource.class)
  @Conditional(OnHikariPoolCondition.class)
  static class HikariPoolConfiguration {

    @Bean(destroyMethod = "close")
    LakebaseDataSource lakebaseDataSource(LakebaseConfig config,
        ObjectProvider<WorkspaceClient> clients) {
      return LakebaseDataSource.create(forDataSource(config, loader()), client(clients));
    }

    // Primary: the LakebaseDataSource above is a DataSource too, and Boot's JdbcTemplate and
    // transaction manager need a single candidate.
    @Bean(destroyMethod = "close")
    @Primary
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(LakebaseConfig config, LakebaseDataSource lakebase) {
      // The no-argument constructor starts the pool on first use, after the binding.
      HikariDataSource hikari = new HikariDataSource();
      hikari.setPoolName("lakeforge-hikari");
      hikari.setDataSource(lakebase);
      hikari.setMaximumPoolSize(config.maxSize());
      hikari.setMinimumIdle(config.minSize());
      hikari.setConnectionTimeout(config.acquisitionTimeout().toMillis());
      hikari.setMaxLifetime(config.maxLifetime().toMillis());
      hikari.setIdleTimeout(config.maxIdle().toMillis());
      return hikari;
    }

    @Bean
    ApplicationDataSource lakeforgeApplicationDataSource(LakebaseConfig config,
        @Qualifier("dataSource") DataSource dataSource) {
      return ApplicationDataSource.of(forDataSource(config, loader()), dataSource);
    }
  }
}
