package io.lakeforge.spring;

import io.lakeforge.runtime.Lakebase;
import io.lakeforge.runtime.LakebaseConfig;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.ExecuteListenerProvider;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.ExceptionTranslatorExecuteListener;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.SpringTransactionProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@link SpringLakebase}: branch contexts that take part in Spring transactions, built as Boot's
 * jOOQ auto-configuration builds its {@code DSLContext}. Creating it needs no Databricks call;
 * {@link Lakebase} is asked for on the first branch other than the application's.
 */
@AutoConfiguration(after = {LakeforgeAutoConfiguration.class,
    DataSourceTransactionManagerAutoConfiguration.class, JooqAutoConfiguration.class})
@ConditionalOnClass({DSLContext.class, SpringTransactionProvider.class,
    DataSourceTransactionManager.class, Lakebase.class})
public class SpringLakebaseAutoConfiguration {

  /** Branch contexts in Spring transactions; see {@link SpringLakebase}. */
  @Bean
  @ConditionalOnMissingBean
  public SpringLakebase springLakebase(ObjectProvider<Lakebase> lakebase, LakebaseConfig config,
      ObjectProvider<ApplicationDataSource> application,
      ObjectProvider<PlatformTransactionManager> transactionManagers,
      ObjectProvider<ExceptionTranslatorExecuteListener> translator,
      ObjectProvider<ExecuteListenerProvider> listeners) {
    return new SpringLakebase(lakebase::getObject, config, application.getIfAvailable(),
        transactionManagers::getIfUnique, () -> {
          List<ExecuteListenerProvider> all = new ArrayList<>();
          // Boot's jOOQ auto-configuration registers its translator as a listener provider.
          if (translator.getIfAvailable() == null) {
            all.add(new DefaultExecuteListenerProvider(ExceptionTranslatorExecuteListener.DEFAULT));
          }
          listeners.orderedStream().forEach(all::add);
          return all;
        });
  }
}
