package io.lakeforge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeforge.runtime.CredentialMode;
import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseSettings;
import io.lakeforge.runtime.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Every setting of the catalogue is a lakeforge.* property; variables remain the fallback. */
class LakeforgePropertiesTest {

  /** A valid value other than the default, as text, for each setting type. */
  private static String sample(Setting<?> s) {
    Object def = s.defaultValue();
    if (s == LakebaseSettings.ENDPOINT) {
      return "projects/p/branches/b/endpoints/e";
    }
    if (s == LakebaseSettings.SSL_MODE) {
      return "verify-ca";
    }
    if (s.type() == Integer.class) {
      return String.valueOf((Integer) def + 1);
    }
    if (s.type() == Duration.class) {
      return (((Duration) def).toSeconds() + 1) + "s";
    }
    if (s.type() == Boolean.class) {
      return String.valueOf(!(Boolean) def);
    }
    if (s.type() == Path.class) {
      return "/etc/ca.pem";
    }
    if (s.type() == Map.class) {
      return "tcpKeepAlive=true";
    }
    if (s.type() == CredentialMode.class) {
      return "per-connection";
    }
    return "value-" + s.name().toLowerCase();
  }

  @Test
  void everySettingIsBoundFromItsProperty() {
    MockEnvironment environment = new MockEnvironment();
    for (Setting<?> s : LakebaseSettings.all()) {
      environment.setProperty(LakeforgeProperties.property(s), sample(s));
    }
    LakebaseConfig config = LakeforgeProperties.bind(environment);
    for (Setting<?> s : LakebaseSettings.all()) {
      Object expected = s.parse("test", sample(s));
      assertThat(config.get(s)).as(s.name()).isEqualTo(expected).isNotEqualTo(s.defaultValue());
    }
  }

  @Test
  void everySettingFallsBackToItsEnvironmentVariables() {
    MockEnvironment environment = new MockEnvironment();
    for (Setting<?> s : LakebaseSettings.all()) {
      if (!s.environmentVariables().isEmpty()) {
        environment.setProperty(s.environmentVariables().get(0), sample(s));
      }
    }
    LakebaseConfig config = LakeforgeProperties.bind(environment);
    for (Setting<?> s : LakebaseSettings.all()) {
      if (!s.environmentVariables().isEmpty()) {
        assertThat(config.get(s)).as(s.name()).isEqualTo(s.parse("test", sample(s)));
      }
    }
  }

  @Test
  void aPropertyWinsOverTheVariableAndTheStarterDefaultsToAGracefulClose() {
    MockEnvironment environment = new MockEnvironment()
        .withProperty("PGPORT", "6000").withProperty("lakeforge.port", "7000");
    LakebaseConfig config = LakeforgeProperties.bind(environment);
    assertThat(config.port()).isEqualTo(7000);
    assertThat(config.get(LakebaseSettings.CLOSE_GRACE))
        .isEqualTo(LakeforgeProperties.DEFAULT_CLOSE_GRACE);
    assertThat(LakeforgeProperties.property(LakebaseSettings.IDLE_IN_TRANSACTION_TIMEOUT))
        .isEqualTo("lakeforge.idle-in-transaction-timeout");
  }
}
