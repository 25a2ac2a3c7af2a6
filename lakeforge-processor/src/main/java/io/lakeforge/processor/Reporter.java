package io.lakeforge.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * The one place diagnostics are printed: pinned to the element, its annotation mirror and, where
 * one attribute is at fault, that attribute's value, so IDEs underline the exact spot.
 */
final class Reporter {

  private final Messager messager;

  Reporter(Messager messager) {
    this.messager = messager;
  }

  void print(Report report, ProjectReader.Declared declared) {
    for (Problem p : report.problems()) {
      Diagnostic.Kind kind = p.error() ? Diagnostic.Kind.ERROR : Diagnostic.Kind.WARNING;
      ProjectReader.Declared.Source source = declared.source(p.part(), p.index());
      if (source == null) {
        // Project-level problems and extra branches (which have no source) pin to the project.
        print(kind, p.message(), declared.type(), declared.projectMirror(),
            p.index() == Problem.PROJECT ? p.attribute() : null);
      } else {
        print(kind, p.message(), source.element(), source.mirror(), p.attribute());
      }
    }
  }

  void projectError(
      ProjectReader.Declared declared, Rule rule, String attribute, String message) {
    print(Diagnostic.Kind.ERROR, rule.tag() + " " + message, declared.type(),
        declared.projectMirror(), attribute);
  }

  void elementError(
      Element element, AnnotationMirror mirror, String attribute, Rule rule, String message) {
    print(Diagnostic.Kind.ERROR, rule.tag() + " " + message, element, mirror, attribute);
  }

  void internal(Element element, String message) {
    String text = Rule.INTERNAL.tag() + " " + message;
    if (element == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, text);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, text, element);
    }
  }

  private void print(
      Diagnostic.Kind kind, String message, Element element, AnnotationMirror mirror,
      String attribute) {
    AnnotationValue value = ProjectReader.explicitValue(mirror, attribute);
    if (value != null) {
      messager.printMessage(kind, message, element, mirror, value);
    } else {
      messager.printMessage(kind, message, element, mirror);
    }
  }
}
