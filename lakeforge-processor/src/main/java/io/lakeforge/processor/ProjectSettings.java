package io.lakeforge.processor;

import java.util.List;

/**
 * Project-wide {@code @LakebaseProject} attributes beyond id and version, as written.
 *
 * @param grants project permissions
 * @param tags custom tags, in declaration order
 * @param budgetPolicyId budget policy id, or empty
 * @param historyRetention ISO-8601 duration, or empty
 * @param defaultSuspendTimeout ISO-8601 duration, {@code never}, or empty
 * @param preventDestroy {@code lifecycle.prevent_destroy} on the project
 */
record ProjectSettings(
    List<GrantSpec> grants,
    List<TagSpec> tags,
    String budgetPolicyId,
    String historyRetention,
    String defaultSuspendTimeout,
    boolean preventDestroy) {

  static final ProjectSettings NONE = new ProjectSettings(List.of(), List.of(), "", "", "", false);

  ProjectSettings {
    grants = List.copyOf(grants);
    tags = List.copyOf(tags);
  }

  /**
   * One project permission.
   *
   * @param level {@code CAN_USE} or {@code CAN_MANAGE}
   * @param group group name or empty
   * @param user user name or empty
   * @param servicePrincipal application id or empty
   */
  record GrantSpec(String level, String group, String user, String servicePrincipal) {}

  /** One custom tag. */
  record TagSpec(String key, String value) {}
}
