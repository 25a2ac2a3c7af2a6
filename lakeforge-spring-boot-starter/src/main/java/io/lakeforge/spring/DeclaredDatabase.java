package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseConfigException;
import io.lakeforge.runtime.LakebaseSettings;
import io.lakeforge.runtime.LakebaseTopology;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database the topology declares on an endpoint's branch ({@link LakebaseTopology}, the
 * bundle resource the annotation processor writes): the same database {@code
 * lakebase.readWrite(Branches.X)} uses, so Boot's DataSource, Flyway and the branch contexts
 * agree. A branch with more than one declared database is refused (the YAML keeps no declaration
 * order, so "the first" cannot be told): set {@code lakeforge.database}.
 */
final class DeclaredDatabase {

  private static final Pattern ENDPOINT =
      Pattern.compile("projects/([^/]+)/branches/([^/]+)/endpoints/[^/]+");

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
    Optional<LakebaseTopology> topology = LakebaseTopology.onClassPath(m.group(1), loader);
    if (topology.isEmpty()) {
      return Optional.empty();
    }
    List<String> names = topology.get().databasesOn(m.group(2));
    if (names.size() > 1) {
      throw new LakebaseConfigException(LakeforgeProperties.property(LakebaseSettings.DATABASE),
          "Branch " + m.group(2) + " of " + topology.get().resource() + " declares the databases "
          + String.join(", ", names) + "; set lakeforge.database (or PGDATABASE) to the one the"
          + " DataSource should use.");
    }
    return names.stream().findFirst();
  }
}
