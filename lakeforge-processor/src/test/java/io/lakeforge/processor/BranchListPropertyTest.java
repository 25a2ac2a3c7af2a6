package io.lakeforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Any list of branch names either fails with precise, tagged errors or yields YAML that parses
 * back to exactly the requested branches: never invalid YAML, never a silent change.
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
    Arbitrary<String> reserved = Arbitraries.of("production", "dev", "feature-a", "feature_a", "all");
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, valid), net.jqwik.api.Tuple.of(3, hostile),
            net.jqwik.api.Tuple.of(1, reserved))
        .list().ofMaxSize(12);
  }

  @Property(tries = 1000)
  @SuppressWarnings("unchecked")
  void errorsArePreciseOrYamlRoundTrips(@ForAll("branchLists") List<String> names) {
    String list = String.join(",", names);
    Topology topology = new Topology("prop", "Branches", 0, "prop.Topology",
        Topology.withExtras(List.of(), Topology.splitBranchList(list)));
    Report report = TopologyValidator.validate(topology, "CUSTOM_BRANCHES");

    if (report.hasErrors()) {
      for (Problem p : report.problems()) {
        assertTrue(p.message().startsWith(p.rule().tag() + " "), p.message());
        if (!p.error()) {
          assertEquals(Rule.BRANCH_COUNT, p.rule());
          continue;
        }
        assertTrue(p.branchIndex() >= 0, "a branch problem names its branch");
        String id = topology.branches().get(p.branchIndex()).id();
        assertTrue(p.message().contains(Ids.quote(id)), p.message());
      }
      return;
    }
    Set<String> expected = topology.branches().stream().map(BranchSpec::id)
        .collect(Collectors.toSet());
    Map<String, Object> doc = (Map<String, Object>)
        new Load(LoadSettings.builder().build()).loadFromString(BundleYamlWriter.write(topology));
    Map<String, Object> resources = (Map<String, Object>) doc.get("resources");
    Map<String, Map<String, Object>> branches =
        (Map<String, Map<String, Object>>) resources.get("postgres_branches");
    Map<String, Map<String, Object>> endpoints =
        (Map<String, Map<String, Object>>) resources.get("postgres_endpoints");
    Set<String> actual = new HashSet<>();
    branches.forEach((key, b) -> {
      actual.add((String) b.get("branch_id"));
      assertEquals("branch_" + ((String) b.get("branch_id")).replace('-', '_'), key);
      assertEquals(true, b.get("no_expiry"));
    });
    assertEquals(expected, actual);
    assertEquals(expected.size(), branches.size());
    assertEquals(expected.size(), endpoints.size());
    endpoints.values().forEach(e -> {
      String parent = (String) e.get("parent");
      String branchKey = parent.substring("${resources.postgres_branches.".length(), parent.length() - 4);
      assertTrue(branches.containsKey(branchKey), parent);
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
    Topology topology = new Topology("prop", "Branches", 0, "prop.Topology",
        Topology.withExtras(List.of(), Topology.splitBranchList(list)));
    Report report = TopologyValidator.validate(topology, LakeforgeProcessor.EXTRAS_LABEL);
    if (report.hasErrors()) {
      assertEquals(Compilation.Status.FAILURE, compilation.status());
      assertFalse(compilation.errors().isEmpty());
      compilation.errors().forEach(d -> assertTrue(d.getMessage(null).startsWith("[Lakeforge"),
          d.getMessage(null)));
    } else {
      assertEquals(Compilation.Status.SUCCESS, compilation.status(), compilation.diagnostics()::toString);
      assertEquals(BundleYamlWriter.write(topology), Compiles.yaml(compilation, "prop").orElseThrow());
    }
  }
}
