package io.lakeforge.annotations;

import java.util.regex.Pattern;

/**
 * The rule for ids LakeForge creates (project, branch, endpoint): 1-63 characters, a lowercase
 * letter first, then lowercase letters, digits and hyphens, not ending with a hyphen. One
 * implementation shared by the annotation processor (declared branches) and the runtime's branch
 * API (ephemeral branches). Ids created elsewhere (e.g. {@code br-…} from the UI) are not checked
 * with this rule: LakeForge accepts any id the API returns.
 */
public final class LakebaseIds {

  /** The longest id. */
  public static final int MAX_LENGTH = 63;

  /** The rule in words, for messages. */
  public static final String RULE =
      "ids are 1-63 characters: a lowercase letter, then lowercase letters, digits and hyphens,"
          + " not ending with a hyphen";

  /** The bundle schema's id rule, plus RFC 1123's: a label does not end with a hyphen. */
  private static final Pattern VALID = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private LakebaseIds() {}

  /** Whether LakeForge may create a resource with this id. */
  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
