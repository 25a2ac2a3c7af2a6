package io.lakeforge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The branches a project's topology declares, as the annotation processor wrote them into the
 * bundle resource {@code META-INF/lakeforge/<project id>/lakebase.yml} on the class path (the
 * generated YAML of the {@code @LakebaseProject}); {@code production} always exists.
 */
final class DeclaredBranches {

  private static final Pattern BRANCH_ID =
      Pattern.compile("(?m)^\\s+branch_id:\\s*[\"']?([a-z][a-z0-9-]*)[\"']?\\s*$");
  private static final Pattern SECTION = Pattern.compile("(?m)^  (\\w+):\\s*$");

  private final String resource;
  private final Set<String> ids;

  private DeclaredBranches(String resource, Set<String> ids) {
    this.resource = resource;
    this.ids = ids;
  }

  /** The topology of {@code project}, if its generated bundle resource is on the class path. */
  static Optional<DeclaredBranches> of(String project, ClassLoader loader) {
    String resource = "META-INF/lakeforge/" + project + "/lakebase.yml";
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
    return Optional.of(new DeclaredBranches(resource, parse(yaml)));
  }

  /** The {@code branch_id} values under {@code resources.postgres_branches}, and production. */
  static Set<String> parse(String yaml) {
    Set<String> ids = new TreeSet<>();
    ids.add("production");
    Matcher section = SECTION.matcher(yaml);
    int start = -1;
    int end = yaml.length();
    while (section.find()) {
      if (start >= 0) {
        end = section.start();
        break;
      }
      if (section.group(1).equals("postgres_branches")) {
        start = section.end();
      }
    }
    if (start < 0) {
      return ids;
    }
    Matcher m = BRANCH_ID.matcher(yaml.substring(start, end));
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  /** Refuses a source branch the topology does not declare, naming the closest declared one. */
  void requireDeclared(String project, String from) {
    if (ids.contains(from)) {
      return;
    }
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String id : ids) {
      int d = distance(from, id);
      if (d < best) {
        best = d;
        closest = id;
      }
    }
    String hint = closest != null && best <= Math.max(2, from.length() / 3)
        ? " Did you mean \"" + closest + "\"?" : "";
    throw new ExtensionConfigurationException("@LakebaseTestBranch(from = \"" + from
        + "\"): project " + project + " declares no branch \"" + from + "\" (declared: "
        + String.join(", ", ids) + "; from " + resource + ")." + hint
        + " A test branch starts from a declared branch.");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
