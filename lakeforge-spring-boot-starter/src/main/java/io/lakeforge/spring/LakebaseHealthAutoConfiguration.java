package io.lakeforge.spring;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code lakebase} health indicator ({@link LakebaseHealthIndicator}) of the starter's
 * DataSource, when the application has Boot's health support and {@code
 * management.health.lakebase.enabled} is not {@code false}. Put it in the readiness group.
 */
@AutoConfiguration(after = LakeforgeAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, LakebasePool.class})
@ConditionalOnEnabledHealthIndicator("lakebase")
public class LakebaseHealthAutoConfiguration {

  @Bean
  @ConditionalOnBean(LakebasePool.class)
  @ConditionalOnMissingBean(name = "lakebaseHealthIndicator")
  LakebaseHealthIndicator lakebaseHealthIndicator(LakebasePool pool) {
    return LakebaseHealthIndicator.of(pool);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HikariDataSource.class)
  static class Hikari {

    @Bean
    @ConditionalOnBean({LakebaseDataSource.class, HikariDataSource.class})
    @ConditionalOnMissingBean(name = "lakebaseHealthIndicator")
    LakebaseHealthIndicator lakebaseHealthIndicator(LakebaseDataSource dataSource,
        HikariDataSource hikari) {
      return new LakebaseHealthIndicator(dataSource.endpoint(), dataSource::credentialStatus,
          () -> {
            HikariPoolMXBean m = hikari.getHikariPoolMXBean();
            return m == null
                ? new LakebaseHealthIndicator.Connections(0, 0, 0, hikari.getMaximumPoolSize())
                : new LakebaseHealthIndicator.Connections(m.getActiveConnections(),
                    m.getIdleConnections(), m.getThreadsAwaitingConnection(),
                    hikari.getMaximumPoolSize());
          }, Clock.systemUTC());
    }
  }
}
