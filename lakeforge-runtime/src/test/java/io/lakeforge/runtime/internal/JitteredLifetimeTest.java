package io.lakeforge.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JitteredLifetimeTest {

  private static AgroalDataSourceConfiguration agroal(Duration lifetime) {
    return new AgroalDataSourceConfigurationSupplier()
        .connectionPoolConfiguration(p -> p.maxSize(7).minSize(2).maxLifetime(lifetime)
            .acquisitionTimeout(Duration.ofSeconds(3))
            .connectionFactoryConfiguration(f -> f.jdbcUrl("jdbc:none")))
        .get();
  }

  @Test
  void everyDrawIsWithinTheLastTenthBelowMaxLifetimeAndTheDrawsDiffer() {
    AgroalConnectionPoolConfiguration pool =
        JitteredLifetime.of(agroal(Duration.ofSeconds(100))).connectionPoolConfiguration();
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2000; i++) {
      long ms = pool.maxLifetime().toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertTrue(min >= 90_000 && min < 91_000, "shortest " + min);
    assertTrue(max <= 100_000 && max > 99_000, "longest " + max);
  }

  @Test
  void everyOtherSettingIsAgroalsAndNoLifetimeStaysNone() {
    AgroalDataSourceConfiguration built = agroal(Duration.ofSeconds(100));
    AgroalDataSourceConfiguration jittered = JitteredLifetime.of(built);
    AgroalConnectionPoolConfiguration p = jittered.connectionPoolConfiguration();
    AgroalConnectionPoolConfiguration a = built.connectionPoolConfiguration();
    assertEquals(7, p.maxSize());
    assertEquals(2, p.minSize());
    assertEquals(Duration.ofSeconds(3), p.acquisitionTimeout());
    assertSame(a.connectionFactoryConfiguration(), p.connectionFactoryConfiguration());
    assertSame(a.connectionValidator(), p.connectionValidator());
    assertSame(a.exceptionSorter(), p.exceptionSorter());
    assertEquals(built.dataSourceImplementation(), jittered.dataSourceImplementation());
    p.setMaxSize(9);
    assertEquals(9, a.maxSize(), "a resize reaches Agroal's configuration");
    AgroalDataSourceConfiguration none = agroal(Duration.ZERO);
    assertSame(none, JitteredLifetime.of(none));
  }
}
