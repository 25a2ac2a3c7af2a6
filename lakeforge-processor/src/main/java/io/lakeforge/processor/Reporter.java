package io.lakeforge.processor;

import java.util.List;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic;

/**
 * The one place diagnostics are printed: pinned to the element, its annotation mirror and, where
 * one attribute is at fault, that attribute's value, so IDEs underline the exact spot. A warning
 * is left out when its key is suppressed: by {@code @SuppressWarnings} on the element or an
 * enclosing one, or by the processor option {@code -Alakeforge.suppress}.
 */
final class Reporter {

  private final Messager messager;
  private final List<String> suppressed;

  Reporter(Messager messager) {
    this(messager, List.of());
  }

  /**
   * @param suppressed the names given to {@code -Alakeforge.suppress} (keys or tags, see {@link
   *     Rule#suppressedBy})
   */
  Reporter(Messager messager, List<String> suppressed) {
    this.messager = messager;
    this.suppressed = List.copyOf(suppressed);
  }

  void print(Report report, ProjectReader.Declared declared) {
    for (Problem p : report.problems()) {
      ProjectReader.Declared.Source source = declared.source(p.subject());
      if (source == null) {
        // Project-level problems and extra branches (which have no source) pin to the project.
        print(p.rule(), p.message(), declared.type(), declared.projectMirror(),
            p.subject() == null ? p.attribute() : null);
      } else {
        print(p.rule(), p.message(), source.element(), source.mirror(), p.attribute());
      }
    }
  }

  void projectError(
      ProjectReader.Declared declared, Rule rule, String attribute, String message) {
    print(rule, rule.message(message), declared.type(), declared.projectMirror(), attribute);
  }

  void elementError(
      Element element, AnnotationMirror mirror, String attribute, Rule rule, String message) {
    print(rule, rule.message(message), element, mirror, attribute);
  }

  void internal(Element element, String message) {
    String text = Rule.INTERNAL.message(message);
    if (element == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, text);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, text, element);
    }
  }

  private void print(
      Rule rule, String message, Element element, AnnotationMirror mirror, String attribute) {
    Diagnostic.Kind kind = rule.error() ? Diagnostic.Kind.ERROR : Diagnostic.Kind.WARNING;
    if (!rule.error()) {
      if (isSuppressed(rule, element)) {
        return;
      }
      message += " To accept this, annotate the field or class with @SuppressWarnings(\""
          + rule.key() + "\"), or compile with -A" + LakeforgeProcessor.SUPPRESS_OPTION + "="
          + rule.key().substring(Rule.KEY_PREFIX.length()) + ".";
    }
    AnnotationValue value = ProjectReader.explicitValue(mirror, attribute);
    if (value != null) {
      messager.printMessage(kind, message, element, mirror, value);
    } else {
      messager.printMessage(kind, message, element, mirror);
    }
  }

  private boolean isSuppressed(Rule rule, Element element) {
    if (suppressed.stream().anyMatch(rule::suppressedBy)) {
      return true;
    }
    for (Element e = element; e != null; e = e.getEnclosingElement()) {
      for (String name : suppressWarnings(e)) {
        if (rule.suppressedBy(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The names of an element's {@code @SuppressWarnings}, read from its annotation mirror (the
   * annotation has source retention: processors see it on the sources being compiled).
   */
  private static List<String> suppressWarnings(Element element) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (!m.getAnnotationType().toString().equals(SuppressWarnings.class.getName())) {
        continue;
      }
      for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
          m.getElementValues().entrySet()) {
        if (e.getValue().getValue() instanceof List<?> names) {
          return names.stream()
              .map(n -> ((AnnotationValue) n).getValue())
              .filter(String.class::isInstance)
              .map(String.class::cast)
              .toList();
        }
      }
    }
    return List.of();
  }
}
