package io.lakeforge.runtime.internal;

import io.agroal.api.AgroalPoolInterceptor;
import io.agroal.api.cache.ConnectionCache;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.AgroalDataSourceConfiguration;
import io.agroal.api.transaction.TransactionIntegration;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Agroal's own pool configuration with one difference: each physical connection gets its own
 * lifetime, drawn uniformly from {@code [maxLifetime × (1 − 1/JITTER_DIVISOR), maxLifetime]}.
 * Agroal reads {@code maxLifetime()} when it opens a connection, to schedule that connection's
 * retirement; connections opened together (the initial fill, a burst) are therefore retired over
 * a tenth of the lifetime instead of in the same instant, and no connection outlives the
 * configured {@code maxLifetime}. Every other setting is passed through unchanged.
 */
final class JitteredLifetime implements AgroalConnectionPoolConfiguration {

  /** The lifetime is shortened by up to 1/10 (HikariCP takes up to 1/40 off its own). */
  static final int JITTER_DIVISOR = 10;

  private final AgroalConnectionPoolConfiguration agroal;
  private final long maxNanos;

  private JitteredLifetime(AgroalConnectionPoolConfiguration agroal) {
    this.agroal = agroal;
    this.maxNanos = agroal.maxLifetime().toNanos();
  }

  /** {@code built} with a jittered lifetime per connection (unchanged when the lifetime is off). */
  static AgroalDataSourceConfiguration of(AgroalDataSourceConfiguration built) {
    if (built.connectionPoolConfiguration().maxLifetime().isZero()) {
      return built;
    }
    return new DataSource(built, new JitteredLifetime(built.connectionPoolConfiguration()));
  }

  /** A lifetime in {@code [max − max/JITTER_DIVISOR, max]}; a new draw on every call. */
  @Override
  public Duration maxLifetime() {
    long jitter = maxNanos / JITTER_DIVISOR;
    return Duration.ofNanos(maxNanos - ThreadLocalRandom.current().nextLong(jitter + 1));
  }

  @Override
  public AgroalConnectionFactoryConfiguration connectionFactoryConfiguration() {
    return agroal.connectionFactoryConfiguration();
  }

  @Override
  public ConnectionValidator connectionValidator() {
    return agroal.connectionValidator();
  }

  @Override
  public ExceptionSorter exceptionSorter() {
    return agroal.exceptionSorter();
  }

  @Override
  public ConnectionCache connectionCache() {
    return agroal.connectionCache();
  }

  @Override
  public TransactionIntegration transactionIntegration() {
    return agroal.transactionIntegration();
  }

  @Override
  public TransactionRequirement transactionRequirement() {
    return agroal.transactionRequirement();
  }

  @Override
  public boolean validateOnBorrow() {
    return agroal.validateOnBorrow();
  }

  @Override
  public Duration idleValidationTimeout() {
    return agroal.idleValidationTimeout();
  }

  @Override
  public Duration leakTimeout() {
    return agroal.leakTimeout();
  }

  @Override
  public Duration validationTimeout() {
    return agroal.validationTimeout();
  }

  @Override
  public Duration reapTimeout() {
    return agroal.reapTimeout();
  }

  @Override
  public boolean enhancedLeakReport() {
    return agroal.enhancedLeakReport();
  }

  @Override
  public boolean flushOnClose() {
    return agroal.flushOnClose();
  }

  @Override
  public boolean recoveryEnable() {
    return agroal.recoveryEnable();
  }

  @Override
  public int establishmentRetryAttempts() {
    return agroal.establishmentRetryAttempts();
  }

  @Override
  public Duration establishmentRetryInterval() {
    return agroal.establishmentRetryInterval();
  }

  @Override
  public MultipleAcquisitionAction multipleAcquisition() {
    return agroal.multipleAcquisition();
  }

  @Override
  public int initialSize() {
    return agroal.initialSize();
  }

  @Override
  public int minSize() {
    return agroal.minSize();
  }

  @Override
  public void setMinSize(int size) {
    agroal.setMinSize(size);
  }

  @Override
  public int maxSize() {
    return agroal.maxSize();
  }

  @Override
  public void setMaxSize(int size) {
    agroal.setMaxSize(size);
  }

  @Override
  public Duration acquisitionTimeout() {
    return agroal.acquisitionTimeout();
  }

  @Override
  public void setAcquisitionTimeout(Duration timeout) {
    agroal.setAcquisitionTimeout(timeout);
  }

  @Override
  public Collection<AgroalPoolInterceptor> interceptors() {
    return agroal.interceptors();
  }

  /** The data source configuration around it: Agroal's, with the jittered pool configuration. */
  private record DataSource(AgroalDataSourceConfiguration agroal, JitteredLifetime pool)
      implements AgroalDataSourceConfiguration {

    @Override
    public AgroalConnectionPoolConfiguration connectionPoolConfiguration() {
      return pool;
    }

    @Override
    public DataSourceImplementation dataSourceImplementation() {
      return agroal.dataSourceImplementation();
    }

    @Override
    public boolean metricsEnabled() {
      return agroal.metricsEnabled();
    }

    @Override
    public void setMetricsEnabled(boolean metricsEnabled) {
      agroal.setMetricsEnabled(metricsEnabled);
    }

    @Override
    public void registerMetricsEnabledListener(MetricsEnabledListener listener) {
      agroal.registerMetricsEnabledListener(listener);
    }
  }
}
