package io.lakeforge.runtime.internal;

import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.AgroalSecurityProvider;
import io.agroal.api.security.NamePrincipal;
import io.lakeforge.runtime.LakebaseConfig;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The Agroal settings of every LakeForge pool, in one place. The benchmarks build their
 * static-password baseline from the same method, so "same size and settings" holds by construction.
 */
public final class AgroalPools {

  private AgroalPools() {}

  /**
   * @param credential what Agroal passes to the security providers for each new connection
   * @param provider resolves {@code credential} into a password, or {@code null} for Agroal's own
   *     types such as {@code SimplePassword}
   */
  public static AgroalDataSourceConfigurationSupplier configuration(LakebaseConfig config,
      String host, String user, Object credential, @Nullable AgroalSecurityProvider provider) {
    return new AgroalDataSourceConfigurationSupplier()
        .metricsEnabled(config.poolMetrics())
        .connectionPoolConfiguration(pool -> pool
            .minSize(config.minSize())
            .initialSize(config.minSize())
            .maxSize(config.maxSize())
            .acquisitionTimeout(config.acquisitionTimeout())
            .maxLifetime(config.maxLifetime())
            .reapTimeout(config.maxIdle())
            .idleValidationTimeout(config.idleValidation())
            .connectionValidator(ConnectionValidator.defaultValidator())
            .exceptionSorter(Jdbc::isFatal)
            .connectionFactoryConfiguration(factory -> {
              factory.jdbcUrl(Jdbc.url(host, config.port(), config.database()))
                  .principal(new NamePrincipal(user))
                  .credential(credential)
                  .loginTimeout(Duration.ofSeconds(10));
              if (provider != null) {
                factory.addSecurityProvider(provider);
              }
              Jdbc.properties(user, config.sslMode()).forEach((k, v) -> {
                if (!k.equals("user")) {
                  factory.jdbcProperty((String) k, (String) v);
                }
              });
              return factory;
            }));
  }
}
