package io.lakeforge.processor;

/**
 * One finding of the validator.
 *
 * @param error {@code true} for an error, {@code false} for a warning
 * @param rule the rule that was broken
 * @param message the full message, starting with the rule's tag
 * @param branchIndex index into {@link Topology#branches()}, or -1 for the project itself
 * @param attribute the annotation attribute at fault ({@code ttl}, {@code id}, ...), or {@code null}
 *     for the element itself (a branch's constant value)
 */
record Problem(boolean error, Rule rule, String message, int branchIndex, String attribute) {

  static final int PROJECT = -1;
}
