package io.lakeforge.processor;

import java.util.Map;

/**
 * The one place "did you mean ...?" hints are made. Every hint is a sentence that starts with a
 * space, or the empty string when nothing is close enough to suggest.
 */
final class Suggestions {

  /** Candidates further than this (Levenshtein) are not suggested. */
  private static final int MAX_DISTANCE = 2;

  private Suggestions() {}

  /**
   * The hint for a value that is not a valid id: its nearest valid form ({@link Ids#suggest}), if
   * it is at least {@code minLength} characters long.
   */
  static String validForm(String raw, int minLength) {
    String suggestion = Ids.suggest(raw);
    return suggestion == null || suggestion.length() < minLength ? "" : hint(suggestion);
  }

  /**
   * The hint for a reference to a declaration that does not exist: the declaration whose Java
   * constant is named {@code raw} (users write {@code from = "STAGING"} for {@code STAGING =
   * "staging"}), else the closest declared id.
   *
   * @param declared each declaration's constant name mapped to its id, in declaration order
   */
  static String declared(String raw, Map<String, String> declared) {
    for (Map.Entry<String, String> e : declared.entrySet()) {
      if (e.getKey().equalsIgnoreCase(raw) && !e.getValue().equals(raw)) {
        return " Did you mean \"" + e.getValue() + "\", the value of " + e.getKey()
            + "? Annotations take the id, not the constant's name.";
      }
    }
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String id : declared.values()) {
      int d = distance(raw, id);
      if (d < bestDistance) {
        best = id;
        bestDistance = d;
      }
    }
    return best == null ? "" : hint(best);
  }

  private static String hint(String suggestion) {
    return " Did you mean \"" + suggestion + "\"?";
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
