package io.lakeforge.spring;

import io.lakeforge.micrometer.LakebaseMetrics;
import io.lakeforge.runtime.LakebaseDataSource;
import io.lakeforge.runtime.LakebasePool;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters ({@link LakebaseMetrics}) of the starter's DataSource when Micrometer is on
 * the class path: pool and credential meters for LakeForge's pool, credential meters for an
 * unpooled data source under HikariCP (Boot meters Hikari itself).
 */
@AutoConfiguration(after = LakeforgeAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, LakebaseMetrics.class})
public class LakebaseMetricsAutoConfiguration {

  @Bean
  @ConditionalOnBean(LakebasePool.class)
  @ConditionalOnMissingBean(LakebaseMetrics.class)
  LakebaseMetrics lakebaseMetrics(LakebasePool pool) {
    return LakebaseMetrics.forPool(pool);
  }

  @Bean
  @ConditionalOnBean(LakebaseDataSource.class)
  @ConditionalOnMissingBean(LakebaseMetrics.class)
  LakebaseMetrics lakebaseDataSourceMetrics(LakebaseDataSource dataSource) {
    return LakebaseMetrics.forDataSource(dataSource);
  }
}
