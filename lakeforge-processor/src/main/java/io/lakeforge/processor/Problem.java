package io.lakeforge.processor;

/**
 * One finding of the validator, with its origin.
 *
 * @param rule the rule that was broken; its severity is the catalogue's ({@link Rule#severity()})
 * @param message the full message, starting with the rule's tag
 * @param subject the declaration at fault: a {@link BranchSpec}, {@link RoleSpec} or
 *     {@link DatabaseSpec} of the topology (the same instance), or {@code null} for the project
 * @param attribute the annotation attribute at fault ({@code ttl}, {@code id}, ...), or {@code null}
 *     for the element itself (a branch's constant value)
 */
record Problem(Rule rule, String message, Object subject, String attribute) {

  boolean error() {
    return rule.error();
  }
}
