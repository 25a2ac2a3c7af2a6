package io.lakeforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void toBuilderOverridesOnlyWhatItSets() {
    LakebaseConfig env = LakebaseConfig.fromEnvironment(Map.of("PGDATABASE", "app"));
    LakebaseConfig c = env.toBuilder().maxSize(20).build();
    assertEquals("app", c.database());
    assertEquals(20, c.maxSize());
    assertEquals(10, env.maxSize());
  }
}
