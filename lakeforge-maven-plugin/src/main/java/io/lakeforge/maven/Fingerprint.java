package io.lakeforge.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the processor's output depends on, as one hash: the processor option, the processor jar,
 * every source file and every class-path entry (path, size and modification time). Stored after a
 * successful run, so that a build whose inputs did not change runs no javac at all.
 */
final class Fingerprint {

  private final MessageDigest digest;

  Fingerprint() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  Fingerprint add(String label, String value) {
    digest.update((label + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** A file by path, size and modification time; a directory or a missing file by path only. */
  Fingerprint addFile(String label, Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      return add(label, file.toAbsolutePath() + ":" + Files.size(file) + ":"
          + Files.getLastModifiedTime(file).toMillis());
    }
    return add(label, file.toAbsolutePath().toString());
  }

  String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}
