package io.lakeforge.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Copies that leave an unchanged file untouched, so its timestamp tells the compiler nothing changed. */
final class FileTrees {

  private FileTrees() {}

  /** Makes {@code to} hold exactly the files of {@code from}, rewriting only changed ones. */
  static void mirror(Path from, Path to) throws IOException {
    Set<Path> kept = new HashSet<>();
    if (Files.isDirectory(from)) {
      try (Stream<Path> walk = Files.walk(from)) {
        for (Path file : walk.filter(Files::isRegularFile).toList()) {
          Path target = to.resolve(from.relativize(file).toString());
          kept.add(target);
          writeIfChanged(target, Files.readAllBytes(file));
        }
      }
    }
    if (Files.isDirectory(to)) {
      try (Stream<Path> walk = Files.walk(to)) {
        List<Path> stale = walk.filter(Files::isRegularFile).filter(p -> !kept.contains(p)).toList();
        for (Path file : stale) {
          Files.delete(file);
        }
      }
    }
  }

  /** Writes {@code content} unless the file already holds it; returns whether it wrote. */
  static boolean writeIfChanged(Path target, byte[] content) throws IOException {
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
      return false;
    }
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.write(target, content);
    return true;
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
