package io.lakeforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Any list of branch names is judged exactly as an independent statement of the Lakebase id rule
 * says: every invalid id gets its own error naming it, every valid list yields YAML that parses
 * back to exactly the requested branches. A valid id that is refused fails the property.
 */
class BranchListPropertyTest {

  @Provide
  Arbitrary<List<String>> branchLists() {
    Arbitrary<String> valid = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
        .ofMinLength(1).ofMaxLength(70)
        .filter(s -> Character.isLetter(s.charAt(0)));
    Arbitrary<String> hostile = Arbitraries.strings()
        .withChars("abcXYZ019-_ .:#'\"{}[]$&*!|>%@\\\n\t,")
        .ofMinLength(0).ofMaxLength(12);
    Arbitrary<String> special = Arbitraries.of("production", "dev", "feature-a", "feature_a", "all",
        "project-id", "no", "on", "y", "null", "dev-", "a-b", "readonly");
    return Arbitraries.frequencyOf(Tuple.of(6, valid), Tuple.of(3, hostile), Tuple.of(2, special))
        .list().ofMaxSize(12);
  }

  /** The rule as the bundle schema states it, plus RFC 1123's "no trailing hyphen", written out. */
  static boolean oracleValid(String id) {
    if (id.isEmpty() || id.length() > 63) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean lower = c >= 'a' && c <= 'z';
      boolean digit = c >= '0' && c <= '9';
      if (i == 0 ? !lower : !(lower || digit || c == '-')) {
        return false;
      }
    }
    return id.charAt(id.length() - 1) != '-';
  }

  /** The ids the list asks for: trimmed, empty entries dropped, repeats merged. */
  static List<String> requested(List<String> names) {
    Set<String> ids = new LinkedHashSet<>();
    for (String name : String.join(",", names).split(",", -1)) {
      if (!name.strip().isEmpty()) {
        ids.add(name.strip());
      }
    }
    return ids.isEmpty() ? List.of("dev") : List.copyOf(ids);
  }

  /** Expected errors: tag and the quoted id, one per refused id. */
  static List<String> expectedErrors(List<String> ids) {
    List<String> errors = new ArrayList<>();
    for (String id : ids) {
      if (!oracleValid(id)) {
        errors.add(Rule.BRANCH_ID.tag() + " " + Ids.quote(id));
      } else if (id.equals("production")) {
        errors.add(Rule.RESERVED_NAME.tag() + " " + Ids.quote(id));
      }
    }
    return errors;
  }

  @Property(tries = 1000)
  @SuppressWarnings("unchecked")
  void errorsAreExactlyTheRefusedIdsOrYamlRoundTrips(@ForAll("branchLists") List<String> names) {
    String list = String.join(",", names);
    Topology topology = new Topology("prop", "Branches", 0, "prop.Topology",
        Topology.withExtras(List.of(), Topology.splitBranchList(list)));
    List<String> ids = requested(names);
    assertEquals(ids, topology.branches().stream().map(BranchSpec::id).toList());
    Report report = TopologyValidator.validate(topology, "CUSTOM_BRANCHES");

    List<String> errors = report.problems().stream().filter(Problem::error)
        .map(p -> p.rule().tag() + " " + Ids.quote(((BranchSpec) p.subject()).id()))
        .toList();
    assertEquals(expectedErrors(ids), errors, () -> report.problems().toString());
    report.problems().forEach(p -> assertTrue(
        p.message().startsWith(p.rule().tag() + " "), p.message()));
    int branchCount = ids.size() + (ids.contains("production") ? 0 : 1);
    assertEquals(branchCount > TopologyValidator.BRANCH_LIMIT,
        report.problems().stream().anyMatch(p -> p.rule() == Rule.BRANCH_COUNT));
    if (report.hasErrors()) {
      return;
    }
    Map<String, Object> doc = (Map<String, Object>)
        new Load(LoadSettings.builder().build()).loadFromString(BundleYamlWriter.write(topology));
    Map<String, Object> resources = (Map<String, Object>) doc.get("resources");
    Map<String, Map<String, Object>> branches =
        (Map<String, Map<String, Object>>) resources.get("postgres_branches");
    Map<String, Map<String, Object>> endpoints =
        (Map<String, Map<String, Object>>) resources.get("postgres_endpoints");
    Map<String, String> keyToId = new HashMap<>();
    branches.forEach((key, b) -> {
      keyToId.put(key, (String) b.get("branch_id"));
      assertEquals("branch_" + ((String) b.get("branch_id")).replace('-', '_'), key);
      assertEquals(true, b.get("no_expiry"));
    });
    assertEquals(Set.copyOf(ids), Set.copyOf(keyToId.values()));
    assertEquals(ids.size(), endpoints.size());
    endpoints.values().forEach(e -> {
      String parent = (String) e.get("parent");
      String branchKey = parent.substring("${resources.postgres_branches.".length(), parent.length() - 4);
      assertTrue(branches.containsKey(branchKey), parent);
      assertEquals("readonly", e.get("endpoint_id"));
    });
  }

  @Property(tries = 40)
  void theRealProcessorAgreesWithTheModel(@ForAll("branchLists") List<String> names) {
    String list = String.join(",", names);
    // javac options cannot carry a newline; the model-level property covers those.
    if (list.contains("\n") || list.contains("\t")) {
      return;
    }
    Compilation compilation = Compiles.compile(List.of("-Alakeforge.branches=" + list),
        Compiles.source("prop.Topology", "package prop;",
            "@io.lakeforge.annotations.LakebaseProject(id = \"prop\")", "final class Topology {}"));
    List<String> ids = requested(names);
    List<String> expected = new ArrayList<>(expectedErrors(ids));
    if (ids.contains("project-id") && expected.isEmpty()) {
      expected.add(Rule.KEY_COLLISION.tag() + " \"project-id\""); // only the accessor has PROJECT_ID
    }
    List<String> actual = compilation.errors().stream()
        .map(d -> d.getMessage(Locale.ROOT))
        .map(m -> m.substring(0, m.indexOf(']') + 1) + " " + quotedId(m))
        .collect(Collectors.toList());
    assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList(),
        compilation.diagnostics()::toString);
    if (expected.isEmpty()) {
      Topology topology = new Topology("prop", "Branches", 0, "prop.Topology",
          Topology.withExtras(List.of(), Topology.splitBranchList(list)));
      assertEquals(BundleYamlWriter.write(topology), Compiles.yaml(compilation, "prop").orElseThrow());
    }
    compilation.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.WARNING)
        .forEach(d -> assertTrue(d.getMessage(Locale.ROOT).startsWith(Rule.BRANCH_COUNT.tag())));
  }

  /** The id an extra-branch message is about: {@code branch "<id>" (from ...)}. */
  private static String quotedId(String message) {
    String marker = " (from " + LakeforgeProcessor.EXTRAS_LABEL + ")";
    int end = message.indexOf(marker);
    int start = message.indexOf("branch \"");
    return message.substring(start + "branch ".length(), end);
  }
}
