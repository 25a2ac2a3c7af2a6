package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 4: the README's test-kit example must run where the README says it runs. Surefire
 * (what {@code mvn test} runs) takes {@code *Test}, {@code Test*}, {@code *Tests} and
 * {@code *TestCase} classes; any other name, such as {@code OrdersIT}, needs Failsafe's
 * {@code integration-test} and {@code verify} goals, and the section must show them.
 */
class ReadmeTestKitTest {

  private static final Pattern SUREFIRE_NAME =
      Pattern.compile("Test\\w*|\\w*Test|\\w*Tests|\\w*TestCase");

  @Test
  void everyExampleClassRunsWithTheBuildTheSectionShows() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("\n## Testing against a branch");
    assertTrue(start >= 0, "README.md has the test-kit section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = end < 0 ? readme.substring(start) : readme.substring(start, end);
    List<String> classes = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^class (\\w+)").matcher(section);
    while (m.find()) {
      classes.add(m.group(1));
    }
    assertFalse(classes.isEmpty(), "the section has an example test class");
    for (String name : classes) {
      if (!SUREFIRE_NAME.matcher(name).matches()) {
        for (String needed : List.of("maven-failsafe-plugin", "<goal>integration-test</goal>",
            "<goal>verify</goal>", "mvn verify")) {
          assertTrue(section.contains(needed), name + " is not a name Surefire runs, so `mvn test`"
              + " skips it and stays green; the section must show Failsafe: missing " + needed);
        }
      }
    }
  }
}
