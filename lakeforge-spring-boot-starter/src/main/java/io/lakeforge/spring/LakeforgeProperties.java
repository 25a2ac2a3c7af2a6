package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseSettings;
import io.lakeforge.runtime.Setting;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The {@code lakeforge.*} properties, derived from the runtime's settings catalogue ({@link
 * LakebaseSettings#all()}): every setting {@code fooBar} is the property {@code lakeforge.foo-bar}
 * (relaxed binding applies, so {@code LAKEFORGE_FOO_BAR} works too), parsed and checked by the
 * setting itself. A property wins over the setting's own environment variables ({@code PGHOST},
 * {@code LAKEBASE_ENDPOINT}, ...), which keep working. Nothing is copied by hand: a new setting in
 * the catalogue is a new property, and the build writes its IDE metadata from the same list.
 */
public final class LakeforgeProperties {

  /** The prefix of every property. */
  public static final String PREFIX = "lakeforge";
  /** Which pool backs the DataSource: {@code lakeforge} (default) or {@code hikari}. */
  public static final String POOL = PREFIX + ".pool";
  /** The starter's default for {@code closeGrace}: a context close waits for borrowed connections. */
  public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(10);

  /** The pool behind the starter's DataSource. */
  public enum Pool {
    /** LakeForge's Agroal pool ({@code LakebasePool}): the default. */
    LAKEFORGE,
    /** Boot's HikariCP over an unpooled {@code LakebaseDataSource}. */
    HIKARI
  }

  private LakeforgeProperties() {}

  /** The property name of a setting: {@code lakeforge.} and its name in kebab case. */
  public static String property(Setting<?> setting) {
    return PREFIX + "." + setting.name().replaceAll("([a-z0-9])([A-Z])", "$1-$2")
        .toLowerCase(Locale.ROOT);
  }

  /** The settings from {@code lakeforge.*} properties, else the environment variables. */
  public static LakebaseConfig bind(Environment environment) {
    Binder binder = Binder.get(environment);
    LakebaseConfig.Builder builder = LakebaseConfig.builder();
    for (Setting<?> setting : LakebaseSettings.all()) {
      apply(builder, setting, binder, environment);
    }
    if (text(binder, property(LakebaseSettings.CLOSE_GRACE)) == null
        && environment.getProperty("LAKEBASE_CLOSE_GRACE") == null) {
      builder.set(LakebaseSettings.CLOSE_GRACE, DEFAULT_CLOSE_GRACE);
    }
    return builder.build();
  }

  /** Whether an endpoint is configured ({@code lakeforge.endpoint} or {@code LAKEBASE_ENDPOINT}). */
  public static boolean endpointConfigured(Environment environment) {
    return value(Binder.get(environment), environment, LakebaseSettings.ENDPOINT) != null;
  }

  /** The pool type, from {@code lakeforge.pool}. */
  public static Pool pool(Environment environment) {
    String text = environment.getProperty(POOL);
    if (text == null || text.isBlank()) {
      return Pool.LAKEFORGE;
    }
    try {
      return Pool.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(POOL + "=" + text + " is not valid. Set " + POOL
          + " to lakeforge (the default) or hikari.");
    }
  }

  private static <T> void apply(LakebaseConfig.Builder builder, Setting<T> setting, Binder binder,
      Environment environment) {
    String[] found = value(binder, environment, setting);
    if (found != null) {
      builder.set(setting, setting.parse(found[0], found[1]));
    }
  }

  /** {source, text} of a setting's value: the property first, then its environment variables. */
  private static String @Nullable [] value(Binder binder, Environment environment,
      Setting<?> setting) {
    String property = property(setting);
    String text = text(binder, property);
    if (text == null && setting.type() == Map.class) {
      Map<String, String> map = binder.bind(property, Bindable.mapOf(String.class, String.class))
          .orElse(Map.of());
      text = map.isEmpty() ? null : map.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
    if (text != null && !text.isBlank()) {
      return new String[] {property, text};
    }
    for (String variable : setting.environmentVariables()) {
      String v = environment.getProperty(variable);
      if (v != null && !v.isBlank()) {
        return new String[] {variable, v};
      }
    }
    return null;
  }

  private static @Nullable String text(Binder binder, String property) {
    try {
      return binder.bind(property, String.class).orElse(null);
    } catch (RuntimeException e) {
      return null; // a map-shaped property, read as a map
    }
  }
}
