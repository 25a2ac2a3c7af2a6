package io.lakeforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The validator on the model, message by message: what the compile-level tests only tag. */
class TopologyValidatorTest {

  private static BranchSpec branch(String id) {
    return BranchSpec.builder(BranchSpec.constantName(id), id).build();
  }

  private static BranchSpec cu(String id, double min, double max, double primaryMin,
      double primaryMax) {
    return BranchSpec.builder(BranchSpec.constantName(id), id).minCu(min).maxCu(max)
        .primaryMinCu(primaryMin).primaryMaxCu(primaryMax).build();
  }

  private static List<Problem> problems(BranchSpec... branches) {
    return TopologyValidator.validate(
        new Topology("p", "Branches", 0, "t.T", List.of(branches)), "-Alakeforge.branches")
        .problems();
  }

  private static String only(BranchSpec... branches) {
    List<Problem> problems = problems(branches);
    assertEquals(1, problems.size(), problems::toString);
    return problems.get(0).message();
  }

  @Test
  void tenBranchesCountingProductionAreFineElevenWarn() {
    List<BranchSpec> nine = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      nine.add(branch("b" + i));
    }
    assertEquals(List.of(), problems(nine.toArray(BranchSpec[]::new)));
    nine.add(branch("b10"));
    String warning = only(nine.toArray(BranchSpec[]::new));
    assertTrue(warning.startsWith(Rule.BRANCH_COUNT.tag() + " project \"p\" has 11 branches"), warning);
  }

  @Test
  void aDeclaredProductionIsNotCountedTwice() {
    List<BranchSpec> ten = new ArrayList<>();
    ten.add(BranchSpec.builder("PRODUCTION", "production").replaceExisting(true).build());
    for (int i = 1; i <= 9; i++) {
      ten.add(branch("b" + i));
    }
    assertEquals(List.of(), problems(ten.toArray(BranchSpec[]::new)));
  }

  @Test
  void aTtlParentNamesItsChildrenInGoodGrammar() {
    BranchSpec parent = BranchSpec.builder("PARENT", "parent").ttl("P1D").build();
    BranchSpec a = BranchSpec.builder("A", "a").from("parent").build();
    BranchSpec b = BranchSpec.builder("B", "b").from("parent").build();
    assertTrue(only(parent, a).contains(": @Branch A branches from it, and a branch with children"
        + " cannot expire."), only(parent, a));
    assertTrue(only(parent, a, b).contains(": @Branch A, @Branch B branch from it,"), only(parent, a, b));
  }

  @ParameterizedTest
  @CsvSource({
      "1, 0, minCu, 'minCu is set but maxCu is not; the bundle variable that would fill in maxCu"
          + " is decided at deploy time and could break the range (min <= max, max - min <= 16)."
          + " Set both minCu and maxCu, or neither.'",
      "0, 2, maxCu, 'maxCu is set but minCu is not; the bundle variable that would fill in minCu"
          + " is decided at deploy time'"})
  void aOneSidedReadOnlyRangeNamesTheMissingSide(double min, double max, String attribute,
      String text) {
    List<Problem> problems = problems(cu("x", min, max, 0, 0));
    assertEquals(1, problems.size(), problems::toString);
    assertEquals(attribute, problems.get(0).attribute());
    assertTrue(problems.get(0).message().contains(text), problems.get(0).message());
  }

  @Test
  void aOneSidedPrimaryRangeNeedsBothLimits() {
    List<Problem> problems = problems(cu("x", 0, 0, 0, 4));
    assertEquals("primaryMaxCu", problems.get(0).attribute());
    assertTrue(problems.get(0).message().endsWith("primaryMaxCu is set but primaryMinCu is not;"
        + " the read-write endpoint needs both limits. Set both primaryMinCu and primaryMaxCu."),
        problems.get(0).message());
  }

  @Test
  void sizesWithoutAReadOnlyEndpointPointAtTheAttributeThatIsSet() {
    BranchSpec min = BranchSpec.builder("X", "x").readOnlyEndpoint("").minCu(1).build();
    BranchSpec max = BranchSpec.builder("X", "x").readOnlyEndpoint("").maxCu(2).build();
    assertEquals("minCu", problems(min).get(0).attribute());
    assertEquals("maxCu", problems(max).get(0).attribute());
  }

  @Test
  void theRangeEdgesAreAllowed() {
    assertEquals(List.of(), problems(cu("a", 4, 4, 0.5, 16.5 - 0.5), cu("b", 48, 64, 48, 64)));
  }

  @Test
  void anInvalidSizeStopsTheRangeChecks() {
    // Without the early stop, 65 - 1 and 17.5 - 1 would also be reported as too wide.
    assertTrue(only(cu("x", 1, 65, 0, 0)).contains("maxCu 65 is outside"));
    assertTrue(only(cu("x", 1, 17.5, 0, 0)).contains("maxCu 17.5 is not a compute size"));
    assertTrue(only(cu("x", 0.25, 18, 0, 0)).contains("minCu 0.25 is outside"));
  }

  @Test
  void messagesSayWhatToUse() {
    assertTrue(only(cu("x", 1, 18, 0, 0)).endsWith("Use maxCu <= 17."));
    assertTrue(only(cu("x", 0, 0, 0.5, 70)).endsWith("Use a value in that range."));
    assertTrue(only(cu("x", 0.5, 70, 0, 0)).endsWith("Use a value in that range, or 0 for the"
        + " bundle variable."));
    assertTrue(only(cu("x", 2.5, 4, 0, 0)).endsWith("Use 2 or 3."));
    assertTrue(only(cu("x", 0.75, 4, 0, 0)).endsWith("Use 0.5 or 1."));
    assertTrue(only(cu("x", 1, 1.25, 0, 0)).endsWith("Use 1 or 2."));
    assertTrue(only(cu("x", 8, 4, 0, 0)).endsWith("maxCu 4 is below minCu 8. Raise maxCu or lower"
        + " minCu."));
  }

  @Test
  void anEndpointKeyCollisionPointsAtTheEndpointAttribute() {
    BranchSpec a = BranchSpec.builder("A", "a").readOnlyEndpoint("b-primary").build();
    BranchSpec ab = BranchSpec.builder("A_B", "a-b").readOnlyEndpoint("").primaryMinCu(1)
        .primaryMaxCu(2).build();
    List<Problem> primaryLast = problems(a, ab);
    assertEquals(1, primaryLast.size(), primaryLast::toString);
    assertNull(primaryLast.get(0).attribute(), "primary is not an attribute's value");
    assertTrue(primaryLast.get(0).message().contains("\"endpoint_a_b_primary\""));
    List<Problem> readOnlyLast = problems(ab, a);
    assertEquals("readOnlyEndpoint", readOnlyLast.get(0).attribute());
  }

  @Test
  void didYouMeanOffersOnlyCloseIds() {
    BranchSpec from = BranchSpec.builder("Q", "q").from("abc").build();
    assertTrue(only(branch("dev"), from).endsWith("project's default branch."));
    BranchSpec typo = BranchSpec.builder("Q", "q").from("devv").build();
    assertTrue(only(branch("dev"), branch("deep"), typo).endsWith("Did you mean \"dev\"?"));
  }

  @ParameterizedTest
  @CsvSource({"kitten, sitting, 3", "'', abc, 3", "abc, '', 3", "abc, abc, 0", "flaw, lawn, 2",
      "stagign, staging, 2", "a, b, 1", "ab, ba, 2"})
  void distanceIsLevenshtein(String a, String b, int expected) {
    assertEquals(expected, Suggestions.distance(a, b));
  }

  @Test
  void cuIsPrintedAsWrittenWholeNumbersWithoutPoint() {
    assertEquals("2", TopologyValidator.cu(2));
    assertEquals("0.5", TopologyValidator.cu(0.5));
    assertEquals("Infinity", TopologyValidator.cu(Double.POSITIVE_INFINITY));
    assertEquals("NaN", TopologyValidator.cu(Double.NaN));
  }

  @Test
  void sanitizeKeepsLowercaseLettersAndDigitsAtTheirEdges() {
    assertEquals("az09_", Ids.sanitize("az09-"));
    assertEquals("_____", Ids.sanitize("`{/:_"));
    assertEquals("ab", Ids.sanitize("AB"));
  }
}
