package io.lakeforge.processor;

/**
 * One finding of the validator.
 *
 * @param error {@code true} for an error, {@code false} for a warning
 * @param rule the rule that was broken
 * @param message the full message, starting with the rule's tag
 * @param part what the index counts: branches, roles or databases
 * @param index index into {@link Topology#branches()}, {@link Topology#roles()} or
 *     {@link Topology#databases()}, or -1 for the project itself
 * @param attribute the annotation attribute at fault ({@code ttl}, {@code id}, ...), or {@code null}
 *     for the element itself (a branch's constant value)
 */
record Problem(boolean error, Rule rule, String message, Part part, int index, String attribute) {

  static final int PROJECT = -1;

  /** Which declarations {@link #index()} counts. */
  enum Part { BRANCH, ROLE, DATABASE }
}
