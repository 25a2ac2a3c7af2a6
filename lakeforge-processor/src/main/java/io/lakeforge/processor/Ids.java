package io.lakeforge.processor;

import io.lakeforge.annotations.LakebaseIds;
import java.util.Locale;

/** Lakebase identifier rules, shared by every check of project, branch and endpoint ids. */
final class Ids {

  static final int MAX_LENGTH = LakebaseIds.MAX_LENGTH;
  static final String RULE = LakebaseIds.RULE;

  private Ids() {}

  static boolean isValid(String id) {
    return LakebaseIds.isValid(id);
  }

  /** Resource-key form of an id: lowercase, anything but a letter or digit becomes {@code _}. */
  static String sanitize(String id) {
    StringBuilder key = new StringBuilder(id.length());
    for (char c : id.toLowerCase(Locale.ROOT).toCharArray()) {
      key.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return key.toString();
  }

  /** A valid id close to {@code raw} for a "did you mean" hint, or {@code null} if none is close. */
  static String suggest(String raw) {
    String s = raw.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    s = s.replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
    if (s.length() > MAX_LENGTH) {
      s = s.substring(0, MAX_LENGTH).replaceAll("-+$", "");
    }
    return s.isEmpty() || s.equals(raw) ? null : s;
  }

  /** Quotes a user value for a message, making control characters visible. */
  static String quote(String raw) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : raw.toCharArray()) {
      switch (c) {
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '\t' -> q.append("\\t");
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        default -> {
          if (c < 0x20) {
            q.append(String.format("\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }
}
