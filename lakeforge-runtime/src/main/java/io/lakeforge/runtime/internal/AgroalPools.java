package io.lakeforge.runtime.internal;

import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.AgroalSecurityProvider;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseSettings;
import java.time.Duration;
import java.util.function.Function;

/**
 * The Agroal settings of every LakeForge pool, in one place. The benchmarks build their
 * static-password baseline from the same pool settings, so "same size and settings" holds by
 * construction.
 */
public final class AgroalPools {

  private AgroalPools() {}

  /**
   * A LakeForge pool: connections are opened by the {@link ConnectionOpener} that {@code provider}
   * returns for {@code credential} (see {@link OpenerDriver}); Agroal's own establishment
   * retries are off because the opener retries within the caller's budget; each connection gets
   * its own lifetime within the last tenth below {@code maxLifetime} (see {@link JitteredLifetime}).
   */
  public static AgroalDataSourceConfiguration opening(LakebaseConfig config,
      Object credential, AgroalSecurityProvider provider) {
    return JitteredLifetime.of(pool(config, factory -> factory
        .connectionProviderClass(OpenerDriver.class)
        .jdbcUrl(OpenerDriver.URL)
        .credential(credential)
        .addSecurityProvider(provider)).get());
  }

  /** The benchmarks' baseline: the same pool settings, pgjdbc directly, a static password. */
  public static AgroalDataSourceConfigurationSupplier staticPassword(LakebaseConfig config,
      String host, int port, String user, String password) {
    return pool(config, factory -> {
      factory.jdbcUrl(ConnectionSettings.URL)
          .principal(new NamePrincipal(user))
          .credential(new SimplePassword(password));
      ConnectionSettings.jdbc(config, host, port, user).forEach((k, v) -> {
        if (!k.equals("user")) {
          factory.jdbcProperty((String) k, (String) v);
        }
      });
      return factory;
    });
  }

  private static AgroalDataSourceConfigurationSupplier pool(LakebaseConfig config,
      Function<AgroalConnectionFactoryConfigurationSupplier, AgroalConnectionFactoryConfigurationSupplier> factory) {
    Duration validation = config.get(LakebaseSettings.VALIDATION_TIMEOUT);
    if (validation.compareTo(config.acquisitionTimeout()) > 0) {
      validation = config.acquisitionTimeout();
    }
    int validationSeconds = (int) Math.max(1, ConnectionSettings.seconds(validation));
    return new AgroalDataSourceConfigurationSupplier()
        .metricsEnabled(config.poolMetrics())
        .connectionPoolConfiguration(pool -> pool
            .minSize(config.minSize())
            .initialSize(config.minSize())
            .maxSize(config.maxSize())
            .acquisitionTimeout(config.acquisitionTimeout())
            .establishmentRetryAttempts(0)
            .maxLifetime(config.maxLifetime())
            .reapTimeout(config.maxIdle())
            .idleValidationTimeout(config.idleValidation())
            .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(validationSeconds))
            .exceptionSorter(Jdbc::isFatal)
            .connectionCache(new WeakConnectionCache())
            .connectionFactoryConfiguration(f -> factory.apply(f.loginTimeout(Duration.ZERO))));
  }
}
