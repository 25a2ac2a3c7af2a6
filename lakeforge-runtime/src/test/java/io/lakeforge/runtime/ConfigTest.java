package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configuration: defaults, the environment, and errors that name the variable and the fix. */
class ConfigTest {

  @Test
  void defaultsMatchTheOriginalPackage() {
    LakebaseConfig c = LakebaseConfig.fromEnvironment(Map.of());
    assertEquals(5432, c.port());
    assertEquals("databricks_postgres", c.database());
    assertEquals("verify-full", c.sslMode());
    assertEquals(0, c.minSize());
    assertEquals(10, c.maxSize());
    assertEquals(Duration.ofSeconds(30), c.acquisitionTimeout());
    assertEquals(100, c.maxWaiting());
    assertEquals(Duration.ofSeconds(3600), c.maxLifetime());
    assertEquals(Duration.ofSeconds(600), c.maxIdle());
    assertEquals(CredentialMode.CACHED, c.credentialMode());
    assertNull(c.user());
    assertNull(c.host());
  }

  @Test
  void readsEveryVariable() {
    LakebaseConfig c = LakebaseConfig.fromEnvironment(Map.of(
        "PGHOST", "instance.database.example.com", "PGPORT", "6543", "PGDATABASE", "app",
        "PGUSER", "me@example.com", "LAKEBASE_ENDPOINT", "projects/p/branches/b/endpoints/e",
        "PGSSLMODE", "verify-full", "LAKEBASE_PROJECT", "other-project"));
    assertEquals("instance.database.example.com", c.host());
    assertEquals(6543, c.port());
    assertEquals("app", c.database());
    assertEquals("me@example.com", c.user());
    assertEquals("projects/p/branches/b/endpoints/e", c.endpoint());
    assertEquals("verify-full", c.sslMode());
    assertEquals("other-project", c.projectOverride());
  }

  @Test
  void userFallsBackToTheClientId() {
    LakebaseConfig c = LakebaseConfig.fromEnvironment(Map.of("DATABRICKS_CLIENT_ID", "sp-app-id"));
    assertEquals("sp-app-id", c.user());
    LakebaseConfig both = LakebaseConfig.fromEnvironment(
        Map.of("DATABRICKS_CLIENT_ID", "sp-app-id", "PGUSER", "role"));
    assertEquals("role", both.user());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "PGPORT|abc|Set PGPORT to a number from 1 to 65535",
      "PGPORT|70000|Set PGPORT to a number from 1 to 65535",
      "PGSSLMODE|sometimes|Set PGSSLMODE to verify-full (the default)",
      "LAKEBASE_ENDPOINT|projects/p/branches/b|Set LAKEBASE_ENDPOINT to an endpoint path projects/<project>/branches/<branch>/endpoints/<endpoint>",
      "LAKEBASE_ENDPOINT|projects/p/branches/b/endpoints/e?sslmode=disable|Set LAKEBASE_ENDPOINT to",
      "LAKEBASE_ENDPOINT|projects/p/branches/../endpoints/e|Set LAKEBASE_ENDPOINT to",
      "LAKEBASE_PROJECT|other project|Set LAKEBASE_PROJECT to a project id",
      "LAKEBASE_ACQUISITION_TIMEOUT|-5s|Set LAKEBASE_ACQUISITION_TIMEOUT to a positive duration",
      "LAKEBASE_REFRESH_MARGIN|-PT5M|Set LAKEBASE_REFRESH_MARGIN to a zero or positive duration",
      "LAKEBASE_JDBC_PROPERTIES|sslmode=disable|Set LAKEBASE_JDBC_PROPERTIES to comma-separated"})
  void malformedValueNamesTheVariableAndTheFix(String variable, String value, String fix) {
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.fromEnvironment(Map.of(variable, value)));
    assertEquals(variable, e.variable());
    assertTrue(e.getMessage().startsWith(variable), e.getMessage());
    assertTrue(e.getMessage().contains(fix), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "password=SUPERSECRET-pw|it sets password",
      "tcpNoDelay=true,sslpassword=SUPERSECRET-pw|it sets sslpassword",
      "tcpNoDelay=true,sslpassword:SUPERSECRET-pw|entry 2 of 2 is not name=value",
      "{password=SUPERSECRET-pw}|it sets {password"})
  void aJdbcPropertyValueIsNeverRepeated(String value, String problem) {
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.fromEnvironment(Map.of("LAKEBASE_JDBC_PROPERTIES", value)));
    assertEquals("LAKEBASE_JDBC_PROPERTIES", e.variable());
    assertFalse(e.getMessage().contains("SUPERSECRET"), e.getMessage());
    assertTrue(e.getMessage().startsWith("LAKEBASE_JDBC_PROPERTIES is not valid: " + problem),
        e.getMessage());
    assertTrue(e.getMessage().contains("Set LAKEBASE_JDBC_PROPERTIES to comma-separated"),
        e.getMessage());
  }

  @Test
  void theBuilderNamesAJdbcPropertyKeyButNotItsValue() {
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder()
            .set(LakebaseSettings.JDBC_PROPERTIES, Map.of("sslpassword", "SUPERSECRET-pw"))
            .build());
    assertEquals("jdbcProperties", e.variable());
    assertFalse(e.getMessage().contains("SUPERSECRET"), e.getMessage());
    assertTrue(e.getMessage().startsWith("jdbcProperties is not valid: it sets sslpassword"),
        e.getMessage());
  }

  @Test
  void missingEndpointNamesLakebaseEndpoint() {
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebasePool.create(LakebaseConfig.fromEnvironment(Map.of()), null));
    assertEquals("LAKEBASE_ENDPOINT", e.variable());
    assertTrue(e.getMessage().contains("LAKEBASE_ENDPOINT is not set. Set it to"), e.getMessage());
  }

  @Test
  void builderRejectsImpossiblePoolSettings() {
    assertEquals("minSize", assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder().minSize(5).maxSize(2).build()).variable());
    assertEquals("maxSize", assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder().maxSize(0).build()).variable());
    assertEquals("apiAttempts", assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder().apiAttempts(0).build()).variable());
  }

  @Test
  void negativeDurationsAreRefusedByTheBuilder() {
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder().refreshMargin(Duration.ofSeconds(-1)).build());
    assertEquals("refreshMargin", e.variable());
    assertTrue(e.getMessage().contains("a zero or positive duration"), e.getMessage());
    assertEquals("acquisitionTimeout", assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder().acquisitionTimeout(Duration.ZERO).build()).variable());
    assertEquals("apiBackoff", assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder().apiBackoff(Duration.ofMillis(-1)).build()).variable());
  }

  /**
   * Values that passed validation and then broke: close() threw ArithmeticException (and left
   * sessions and a thread), pgjdbc got socketTimeout 9223369200, the async pool's queue threw
   * OutOfMemoryError. Each is refused where it is declared, with its limit in the message.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "LAKEBASE_CLOSE_GRACE|P999999D|at most 1h",
      "LAKEBASE_ACQUISITION_TIMEOUT|3000000h|at most 1h",
      "LAKEBASE_MAX_LIFETIME|3000000h|at most 168h",
      "LAKEBASE_SOCKET_TIMEOUT|2562047h|at most 24h",
      "LAKEBASE_STATEMENT_TIMEOUT|P31D|at most 720h",
      "LAKEBASE_API_TIMEOUT|2h|at most 1h",
      "LAKEBASE_POOL_MAX_WAITING|2147483647|a number from 0 to 100000",
      "LAKEBASE_POOL_MAX_SIZE|2147483647|a number from 1 to 10000",
      "LAKEBASE_POOL_MIN_SIZE|10001|a number from 0 to 10000"})
  void valuesBeyondTheirLimitAreRefusedNamingTheLimit(String variable, String value,
      String limit) {
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.fromEnvironment(Map.of(variable, value)));
    assertEquals(variable, e.variable());
    assertTrue(e.getMessage().contains(limit), e.getMessage());
  }

  @Test
  void everyDurationAndSizeOfTheCatalogueHasAnUpperLimit() {
    for (Setting<?> s : LakebaseSettings.all()) {
      String tooLarge = s.type() == Duration.class ? "P999999D"
          : s.type() == Integer.class ? "2147483647" : null;
      if (tooLarge != null) {
        assertThrows(LakebaseConfigException.class, () -> s.parse(s.name(), tooLarge),
            s.name() + "=" + tooLarge);
      }
    }
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.builder().set(LakebaseSettings.CLOSE_GRACE, Duration.ofDays(999_999))
            .build());
    assertEquals("closeGrace", e.variable());
    assertTrue(e.getMessage().contains("at most 1h"), e.getMessage());
    LakebaseConfig largest = LakebaseConfig.builder()
        .set(LakebaseSettings.CLOSE_GRACE, Duration.ofHours(1))
        .acquisitionTimeout(Duration.ofHours(1))
        .maxLifetime(Duration.ofHours(168))
        .set(LakebaseSettings.SOCKET_TIMEOUT, Duration.ofHours(24))
        .maxWaiting(100_000).maxSize(10_000).minSize(10_000).build();
    assertEquals(100_000, largest.maxWaiting(), "the limits themselves are accepted");
  }

  @Test
  void durationsReadUnitsAndIso8601() {
    assertEquals(Duration.ofMillis(500), LakebaseSettings.parseDuration("500ms"));
    assertEquals(Duration.ofSeconds(30), LakebaseSettings.parseDuration("30s"));
    assertEquals(Duration.ofSeconds(30), LakebaseSettings.parseDuration("30"));
    assertEquals(Duration.ofMinutes(5), LakebaseSettings.parseDuration("5m"));
    assertEquals(Duration.ofHours(2), LakebaseSettings.parseDuration("2h"));
    assertEquals(Duration.ofSeconds(90), LakebaseSettings.parseDuration("PT90S"));
    assertEquals(Duration.ofSeconds(90), LakebaseSettings.parseDuration("pt90s"));
    assertThrows(IllegalArgumentException.class, () -> LakebaseSettings.parseDuration("soon"));
    LakebaseConfig c = LakebaseConfig.fromEnvironment(Map.of("LAKEBASE_ACQUISITION_TIMEOUT", "2500ms",
        "PGSSLROOTCERT", "/etc/ssl/certs/ca-certificates.crt"));
    assertEquals(Duration.ofMillis(2500), c.acquisitionTimeout());
    assertEquals(java.nio.file.Path.of("/etc/ssl/certs/ca-certificates.crt"), c.sslRootCert());
  }

  @Test
  void everySettingIsDeclaredOnceWithWhatAFrontEndNeeds() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Setting<?> s : LakebaseSettings.all()) {
      assertTrue(names.add(s.name()), "declared once: " + s.name());
      assertTrue(!s.description().isBlank() && !s.expectation().isBlank(), s.name());
      assertTrue(s.toString().contains(s.name()), s.toString());
      assertTrue(!s.environmentVariables().isEmpty(), s.name() + " has an environment variable");
      assertTrue(s.toString().contains(s.environmentVariables().get(0)), s.toString());
    }
    assertEquals(33, names.size());
  }

  @Test
  void aSettingParsesAndChecksOnItsOwn() {
    assertEquals(6543, LakebaseSettings.PORT.parse("port", "6543"));
    LakebaseConfigException e = assertThrows(LakebaseConfigException.class,
        () -> LakebaseSettings.PORT.parse("server.port", "70000"));
    assertEquals("server.port", e.variable());
    assertTrue(e.getMessage().endsWith("or unset it for the default (5432)."), e.getMessage());
    LakebaseConfigException host = assertThrows(LakebaseConfigException.class,
        () -> LakebaseConfig.fromEnvironment(Map.of("PGHOST", "db/../x")));
    assertTrue(host.getMessage().endsWith("or unset it."), host.getMessage());
  }

  @Test
  void minSizeMayEqualMaxSize() {
    assertEquals(3, LakebaseConfig.builder().minSize(3).maxSize(3).build().minSize());
  }

  @Test
  void toStringShowsWhatDiffersFromTheDefaultsAndEqualityFollowsTheValues() {
    LakebaseConfig a = LakebaseConfig.builder().maxSize(20).port(5432).build();
    assertEquals("LakebaseConfig{maxSize=20}", a.toString());
    LakebaseConfig b = LakebaseConfig.builder().maxSize(20).port(5432).build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertTrue(!a.equals(LakebaseConfig.builder().maxSize(21).build()));
    assertTrue(!a.equals("LakebaseConfig{maxSize=20}"));
  }

  @Test
  void toBuilderOverridesOnlyWhatItSets() {
    LakebaseConfig env = LakebaseConfig.fromEnvironment(Map.of("PGDATABASE", "app"));
    LakebaseConfig c = env.toBuilder().maxSize(20).build();
    assertEquals("app", c.database());
    assertEquals(20, c.maxSize());
    assertEquals(10, env.maxSize());
  }

  @Test
  void isSetTellsASettingGivenTheDefaultValueFromOneLeftUnset() {
    LakebaseConfig c = LakebaseConfig.builder().port(5432).build();
    assertTrue(c.isSet(LakebaseSettings.PORT), "set, even to the default");
    assertTrue(!c.isSet(LakebaseSettings.DATABASE), "left unset");
    assertEquals("databricks_postgres", c.database());
  }
}
