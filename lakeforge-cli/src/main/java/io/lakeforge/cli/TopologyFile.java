package io.lakeforge.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The branches of a compiled topology, read from the bundle file LakeForge generates
 * ({@code resources/lakebase.yml}): each {@code postgres_branches} entry's {@code branch_id} and
 * whether it {@code is_protected}. The file's layout is LakeForge's own (fixed indentation, one
 * field per line: {@code BundleYamlWriter}), so a line reader is enough and needs no YAML library
 * in the command-line jar.
 *
 * @param path the file read
 * @param branches each declared branch id mapped to whether it is protected, in file order
 */
record TopologyFile(Path path, Map<String, Boolean> branches) {

  /** Where the bundle reads it, relative to the bundle root (the working directory). */
  static final Path DEFAULT = Path.of("resources", "lakebase.yml");

  private static final Pattern FIELD = Pattern.compile("^ {6}(branch_id|is_protected): (.*)$");

  TopologyFile {
    branches = Map.copyOf(branches);
  }

  boolean declares(String branchId) {
    return branches.containsKey(branchId);
  }

  boolean isProtected(String branchId) {
    return branches.getOrDefault(branchId, false);
  }

  /**
   * Reads a topology file.
   *
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException when it declares no branch (not a LakeForge bundle file)
   */
  static TopologyFile read(Path path) throws IOException {
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    Map<String, Boolean> branches = new LinkedHashMap<>();
    boolean inBranches = false;
    String id = null;
    boolean protect = false;
    for (String line : lines) {
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        if (id != null) {
          branches.put(id, protect);
        }
        id = null;
        inBranches = line.strip().equals("postgres_branches:");
        continue;
      }
      if (!inBranches) {
        continue;
      }
      if (line.startsWith("    ") && !line.startsWith("     ")) {
        // A new resource key: the previous branch is complete.
        if (id != null) {
          branches.put(id, protect);
        }
        id = null;
        protect = false;
        continue;
      }
      Matcher m = FIELD.matcher(line);
      if (m.matches()) {
        String value = unquote(m.group(2).strip());
        if (m.group(1).equals("branch_id")) {
          id = value;
        } else {
          protect = value.equals("true");
        }
      }
    }
    if (id != null) {
      branches.put(id, protect);
    }
    if (branches.isEmpty()) {
      throw new IllegalArgumentException(path + " declares no postgres_branches: it is not a"
          + " bundle file LakeForge generated");
    }
    return new TopologyFile(path, branches);
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
