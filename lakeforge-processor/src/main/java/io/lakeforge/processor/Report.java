package io.lakeforge.processor;

import java.util.ArrayList;
import java.util.List;

/** What validation found. Generators run only on a report without errors. */
final class Report {

  private final List<Problem> problems = new ArrayList<>();

  /**
   * Adds a problem of {@code rule}, with the rule's severity.
   *
   * @param subject the declaration at fault (a spec of the topology), or {@code null} for the
   *     project
   */
  void add(Rule rule, Object subject, String attribute, String message) {
    problems.add(new Problem(rule, rule.message(message), subject, attribute));
  }

  List<Problem> problems() {
    return List.copyOf(problems);
  }

  boolean hasErrors() {
    return problems.stream().anyMatch(Problem::error);
  }
}
