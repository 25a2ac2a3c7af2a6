package io.lakeforge.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** Reads a {@code @LakebaseProject} class into a {@link Topology}, remembering where each part came from. */
final class ProjectReader {

  /**
   * A topology plus the elements it was read from, so problems can be pinned to source.
   *
   * @param branchElements per branch of the topology, its field, or {@code null} for extra branches
   * @param branchMirrors per branch, its {@code @Branch} mirror, or {@code null} for extra branches
   */
  record Declared(
      Topology topology,
      TypeElement type,
      AnnotationMirror projectMirror,
      List<Element> branchElements,
      List<AnnotationMirror> branchMirrors,
      boolean hadFieldErrors) {}

  private final Reporter reporter;
  private final TypeElement branchAnnotation;
  private final TypeElement projectAnnotation;

  ProjectReader(Reporter reporter, TypeElement branchAnnotation, TypeElement projectAnnotation) {
    this.reporter = reporter;
    this.branchAnnotation = branchAnnotation;
    this.projectAnnotation = projectAnnotation;
  }

  /** Reports a {@code @Branch} whose enclosing type is not a {@code @LakebaseProject}. */
  void checkEnclosedByProject(Element field) {
    Element owner = field.getEnclosingElement();
    if (owner == null || mirror(owner, projectAnnotation) == null) {
      reporter.elementError(field, mirror(field, branchAnnotation), null, Rule.ORPHAN_BRANCH,
          "@Branch " + field.getSimpleName() + " is not inside a @LakebaseProject class, so it"
              + " belongs to no project. Move it into the class annotated with @LakebaseProject,"
              + " or annotate its class.");
    }
  }

  Declared read(TypeElement type, List<String> extraIds) {
    AnnotationMirror projectMirror = mirror(type, projectAnnotation);
    Map<String, Object> project = values(projectMirror);
    List<BranchSpec> declared = new ArrayList<>();
    List<Element> elements = new ArrayList<>();
    List<AnnotationMirror> mirrors = new ArrayList<>();
    boolean fieldErrors = false;
    for (Element member : type.getEnclosedElements()) {
      AnnotationMirror branchMirror = mirror(member, branchAnnotation);
      if (branchMirror == null) {
        continue;
      }
      String constant = constantValue(member);
      if (constant == null) {
        fieldErrors = true;
        reporter.elementError(member, branchMirror, null, Rule.BRANCH_FIELD,
            "@Branch " + member.getSimpleName() + " must be a static final String constant whose"
                + " value is the branch id, e.g. @Branch static final String "
                + member.getSimpleName() + " = \"dev\";");
        continue;
      }
      Map<String, Object> b = values(branchMirror);
      declared.add(new BranchSpec(
          member.getSimpleName().toString(),
          constant,
          (String) b.get("ttl"),
          (Boolean) b.get("protect"),
          (String) b.get("from"),
          (String) b.get("readOnlyEndpoint"),
          (Double) b.get("minCu"),
          (Double) b.get("maxCu"),
          (Double) b.get("primaryMinCu"),
          (Double) b.get("primaryMaxCu"),
          (Boolean) b.get("replaceExisting"),
          false));
      elements.add(member);
      mirrors.add(branchMirror);
    }
    List<BranchSpec> all = Topology.withExtras(declared, extraIds);
    while (elements.size() < all.size()) {
      elements.add(null);
      mirrors.add(null);
    }
    Topology topology = new Topology(
        (String) project.get("id"),
        (String) project.get("accessorName"),
        (Integer) project.get("pgVersion"),
        type.getQualifiedName().toString(),
        all);
    return new Declared(topology, type, projectMirror, elements, mirrors, fieldErrors);
  }

  /** The value of a {@code static final String} compile-time constant, else {@code null}. */
  private static String constantValue(Element member) {
    if (member.getKind() != ElementKind.FIELD) {
      return null;
    }
    VariableElement field = (VariableElement) member;
    Set<Modifier> modifiers = field.getModifiers();
    boolean staticFinal = modifiers.contains(Modifier.STATIC) && modifiers.contains(Modifier.FINAL);
    boolean inInterface = field.getEnclosingElement().getKind().isInterface();
    if (!staticFinal && !inInterface) {
      return null;
    }
    return field.getConstantValue() instanceof String s ? s : null;
  }

  static AnnotationMirror mirror(Element element, TypeElement annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (m.getAnnotationType().asElement().equals(annotation)) {
        return m;
      }
    }
    return null;
  }

  /** The explicitly written value of an attribute, for pinning a message to it. */
  static AnnotationValue explicitValue(AnnotationMirror mirror, String attribute) {
    if (attribute == null) {
      return null;
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Attribute values as written, defaults filled in; a missing required value (javac reports it) reads as "". */
  private static Map<String, Object> values(AnnotationMirror mirror) {
    Map<String, Object> values = new HashMap<>();
    for (Element e : mirror.getAnnotationType().asElement().getEnclosedElements()) {
      if (e instanceof ExecutableElement method) {
        AnnotationValue v = mirror.getElementValues().get(method);
        if (v == null) {
          v = method.getDefaultValue();
        }
        values.put(method.getSimpleName().toString(), v == null ? "" : v.getValue());
      }
    }
    return values;
  }
}
