package io.lakeforge.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A project's topology as the annotation processor wrote it into the bundle resource {@code
 * META-INF/lakeforge/<project id>/lakebase.yml} on the class path: the declared branches ({@code
 * production} always exists) and the databases each declares ({@code @Database}). Code that has a
 * branch id or an endpoint path instead of a generated {@code BranchRef} (the Spring starter's
 * DataSource, the test kit) reads the declared database here, so it follows the rule {@link
 * Lakebase} applies to a handle: the declared database of that branch when the topology names
 * one, unless a database is set.
 *
 * <p>The YAML layout is LakeForge's own (fixed indentation, one scalar field per line), so a line
 * reader is enough and the runtime needs no YAML library.
 */
public final class LakebaseTopology {

  /** A resource map under {@code resources:}: two spaces. */
  private static final Pattern SECTION = Pattern.compile("(?m)^  (\\w+):\\s*$");
  /** A resource key under a section: four spaces. */
  private static final Pattern KEY = Pattern.compile("^    ([A-Za-z0-9_]+):\\s*$");

  private final String projectId;
  private final String resource;
  private final Set<String> branchIds;
  private final Map<String, List<String>> databases;

  private LakebaseTopology(String projectId, String resource, Set<String> branchIds,
      Map<String, List<String>> databases) {
    this.projectId = projectId;
    this.resource = resource;
    this.branchIds = branchIds;
    this.databases = databases;
  }

  /** The class-path resource of a project's generated topology. */
  public static String resource(String projectId) {
    return "META-INF/lakeforge/" + projectId + "/lakebase.yml";
  }

  /**
   * The topology of {@code projectId}, if its generated bundle resource is on the class path of
   * {@code loader}.
   *
   * @throws UncheckedIOException if the resource is there but cannot be read
   */
  public static Optional<LakebaseTopology> onClassPath(String projectId, ClassLoader loader) {
    String resource = resource(projectId);
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
    return Optional.of(parse(projectId, resource, yaml));
  }

  /** Reads the writer's fixed layout. */
  static LakebaseTopology parse(String projectId, String resource, String yaml) {
    Set<String> ids = new TreeSet<>();
    ids.add("production");
    Map<String, String> branchOfKey = new HashMap<>();
    for (Map.Entry<String, Map<String, String>> e : section(yaml, "postgres_branches").entrySet()) {
      String id = e.getValue().get("branch_id");
      if (id != null) {
        ids.add(id);
        branchOfKey.put("${resources.postgres_branches." + e.getKey() + ".id}", id);
      }
    }
    Map<String, List<String>> databases = new HashMap<>();
    for (Map<String, String> db : section(yaml, "postgres_databases").values()) {
      String branch = branchOfKey.get(db.get("parent"));
      String name = db.get("postgres_database");
      if (branch != null && name != null) {
        databases.computeIfAbsent(branch, b -> new ArrayList<>()).add(name);
      }
    }
    databases.replaceAll((b, names) -> List.copyOf(names));
    return new LakebaseTopology(projectId, resource, Collections.unmodifiableSet(ids), databases);
  }

  /** The scalar fields of each resource of one section, by resource key in sorted order. */
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
    // Sorted: the same topology lists its databases in the same order on every run.
    Map<String, Map<String, String>> resources = new TreeMap<>();
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

  /** The project id. */
  public String projectId() {
    return projectId;
  }

  /** The class-path resource it was read from. */
  public String resource() {
    return resource;
  }

  /** The declared branch ids, {@code production} included, sorted. */
  public Set<String> branchIds() {
    return branchIds;
  }

  /**
   * The Postgres names of the databases declared on {@code branchId}, sorted by resource key;
   * empty when it declares none (or is not declared). The YAML keeps no declaration order, so a
   * caller that needs one database refuses a list of more than one instead of taking the first.
   */
  public List<String> databasesOn(String branchId) {
    return databases.getOrDefault(branchId, List.of());
  }
}
