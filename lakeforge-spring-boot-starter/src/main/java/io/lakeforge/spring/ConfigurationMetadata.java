package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseSettings;
import io.lakeforge.runtime.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code META-INF/spring-configuration-metadata.json} from the runtime's settings
 * catalogue, so IDEs complete every {@code lakeforge.*} property with its type, default and
 * description (the environment variables it falls back to included). Run by the build
 * ({@code process-classes}); the starter's tests check the file against the catalogue.
 */
public final class ConfigurationMetadata {

  private ConfigurationMetadata() {}

  /** Writes the metadata under {@code args[0]} (the class output directory). */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0], "META-INF", "spring-configuration-metadata.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json());
  }

  /** The metadata document. */
  public static String json() {
    List<String> properties = new ArrayList<>();
    for (Setting<?> s : LakebaseSettings.all()) {
      Object def = s == LakebaseSettings.CLOSE_GRACE
          ? LakeforgeProperties.DEFAULT_CLOSE_GRACE
          : s.defaultValue();
      String env = s.environmentVariables().isEmpty()
          ? ""
          : " Environment: " + String.join(", ", s.environmentVariables()) + ".";
      properties.add(property(LakeforgeProperties.property(s), type(s.type()),
          s.description() + " " + capitalized(s.expectation()) + "." + env, def));
    }
    properties.add(property(LakeforgeProperties.POOL, LakeforgeProperties.Pool.class.getName(),
        "The pool behind the DataSource: lakeforge (LakeForge's Agroal pool, the default) or"
            + " hikari (Boot's HikariCP over LakebaseDataSource).", "lakeforge"));
    return "{\n  \"groups\": [\n    {\"name\": \"lakeforge\", \"type\": \""
        + LakeforgeProperties.class.getName() + "\", \"description\": \"LakeForge: Databricks"
        + " Lakebase connections with short-lived credentials.\"}\n  ],\n  \"properties\": [\n"
        + String.join(",\n", properties) + "\n  ]\n}\n";
  }

  private static String property(String name, String type, String description, Object def) {
    StringBuilder b = new StringBuilder("    {\"name\": ").append(quote(name))
        .append(", \"type\": ").append(quote(type))
        .append(", \"sourceType\": ").append(quote(LakeforgeProperties.class.getName()))
        .append(", \"description\": ").append(quote(description));
    if (def instanceof Boolean || def instanceof Integer) {
      b.append(", \"defaultValue\": ").append(def);
    } else if (def instanceof Duration d) {
      b.append(", \"defaultValue\": ").append(quote(duration(d)));
    } else if (def instanceof Map<?, ?> m) {
      if (!m.isEmpty()) {
        throw new IllegalStateException("a map default is not written: " + name);
      }
    } else if (def instanceof Enum<?> e) {
      b.append(", \"defaultValue\": ").append(quote(
          e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
    } else if (def != null) {
      b.append(", \"defaultValue\": ").append(quote(def.toString()));
    }
    return b.append("}").toString();
  }

  private static String type(Class<?> type) {
    return type == Map.class ? "java.util.Map<java.lang.String,java.lang.String>" : type.getName();
  }

  private static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
  }
}
