package io.lakeforge.processor;

import java.util.ArrayList;
import java.util.List;

/** What validation found. Generators run only on a report without errors. */
final class Report {

  private final List<Problem> problems = new ArrayList<>();

  void error(Rule rule, int branchIndex, String attribute, String message) {
    error(rule, Problem.Part.BRANCH, branchIndex, attribute, message);
  }

  void warning(Rule rule, int branchIndex, String attribute, String message) {
    warning(rule, Problem.Part.BRANCH, branchIndex, attribute, message);
  }

  void error(Rule rule, Problem.Part part, int index, String attribute, String message) {
    problems.add(new Problem(true, rule, rule.tag() + " " + message, part, index, attribute));
  }

  void warning(Rule rule, Problem.Part part, int index, String attribute, String message) {
    problems.add(new Problem(false, rule, rule.tag() + " " + message, part, index, attribute));
  }

  List<Problem> problems() {
    return List.copyOf(problems);
  }

  boolean hasErrors() {
    return problems.stream().anyMatch(Problem::error);
  }
}
