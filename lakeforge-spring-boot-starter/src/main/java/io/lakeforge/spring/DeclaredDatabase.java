package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database the topology declares on an endpoint's branch, read from the bundle resource the
 * annotation processor writes ({@code META-INF/lakeforge/<project id>/lakebase.yml} on the class
 * path): the same database {@code lakebase.readWrite(Branches.X)} uses, so Boot's DataSource,
 * Flyway and the branch contexts agree. A branch with more than one declared database is refused
 * (the YAML keeps no declaration order, so "the first" cannot be told): set {@code
 * lakeforge.database}.
 */
final class DeclaredDatabase {

  private static final Pattern ENDPOINT =
      Pattern.compile("projects/([^/]+)/branches/([^/]+)/endpoints/[^/]+");
  /** A resource key under a section: two spaces, four in all. */
  private static final Pattern KEY = Pattern.compile("(?m)^    ([A-Za-z0-9_]+):\\s*$");
  private static final Pattern SECTION = Pattern.compile("(?m)^  (\\w+):\\s*$");

  private DeclaredDatabase() {}

  /**
   * The declared database of the branch of {@code endpoint}, if the topology of its project is on
   * the class path and declares one there.
   *
   * @throws LakebaseConfigException if the branch declares more than one
   */
  static Optional<String> of(String endpoint, ClassLoader loader) {
    Matcher m = ENDPOINT.matcher(endpoint);
    if (!m.matches()) {
      return Optional.empty();
    }
    String resource = "META-INF/lakeforge/" + m.group(1) + "/lakebase.yml";
    URL url = loader.getResource(resource);
    if (url == null) {
      return Optional.empty();
    }
    String yaml;
    try (InputStream in = url.openStream()) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + url, e);
    }
    List<String> names = on(yaml, m.group(2));
    if (names.size() > 1) {
      throw new LakebaseConfigException(LakeforgeProperties.property(
          io.lakeforge.runtime.LakebaseSettings.DATABASE), "Branch " + m.group(2) + " of "
          + resource + " declares the databases " + String.join(", ", names) + "; set "
          + "lakeforge.database (or PGDATABASE) to the one the DataSource should use.");
    }
    return names.stream().findFirst();
  }

  /** The postgres_database of every database whose parent is branch {@code branchId}. */
  static List<String> on(String yaml, String branchId) {
    Map<String, String> branchKeys = new HashMap<>();
    for (Map.Entry<String, Map<String, String>> e : section(yaml, "postgres_branches").entrySet()) {
      String id = e.getValue().get("branch_id");
      if (id != null) {
        branchKeys.put("${resources.postgres_branches." + e.getKey() + ".id}", id);
      }
    }
    List<String> names = new ArrayList<>();
    for (Map<String, String> db : section(yaml, "postgres_databases").values()) {
      if (branchId.equals(branchKeys.get(db.get("parent"))) && db.get("postgres_database") != null) {
        names.add(db.get("postgres_database"));
      }
    }
    return names;
  }

  /** The scalar fields of each resource of one section (the writer's fixed layout). */
  private static Map<String, Map<String, String>> section(String yaml, String name) {
    Matcher s = SECTION.matcher(yaml);
    int start = -1;
    int end = yaml.length();
    while (s.find()) {
      if (start >= 0) {
        end = s.start();
        break;
      }
      if (s.group(1).equals(name)) {
        start = s.end();
      }
    }
    Map<String, Map<String, String>> resources = new HashMap<>();
    if (start < 0) {
      return resources;
    }
    Map<String, String> current = null;
    for (String line : yaml.substring(start, end).split("\n")) {
      Matcher k = KEY.matcher(line);
      if (k.matches()) {
        current = new HashMap<>();
        resources.put(k.group(1), current);
      } else if (current != null && line.startsWith("      ") && !line.startsWith("       ")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          String value = line.substring(colon + 1).strip();
          if (value.length() > 1 && (value.startsWith("\"") || value.startsWith("'"))) {
            value = value.substring(1, value.length() - 1);
          }
          current.put(line.substring(0, colon).strip(), value);
        }
      }
    }
    return resources;
  }
}
