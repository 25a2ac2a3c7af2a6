package io.lakeforge.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
   * A topology plus where each declaration of it was written, so problems can be pinned to source.
   *
   * @param sources each declaration of the topology (the {@link BranchSpec}, {@link RoleSpec} or
   *     {@link DatabaseSpec} instance) mapped to its field and annotation; extra branches have none
   */
  record Declared(
      Topology topology,
      TypeElement type,
      AnnotationMirror projectMirror,
      Map<Object, Source> sources,
      boolean hadFieldErrors) {

    /** A declaration's field and annotation. */
    record Source(Element element, AnnotationMirror mirror) {}

    /** Where a problem's declaration is written, or {@code null} for the project and extras. */
    Source source(Object subject) {
      return subject == null ? null : sources.get(subject);
    }
  }

  private final Reporter reporter;
  private final TypeElement branchAnnotation;
  private final TypeElement projectAnnotation;
  private final TypeElement roleAnnotation;
  private final TypeElement databaseAnnotation;

  ProjectReader(Reporter reporter, TypeElement branchAnnotation, TypeElement projectAnnotation,
      TypeElement roleAnnotation, TypeElement databaseAnnotation) {
    this.reporter = reporter;
    this.branchAnnotation = branchAnnotation;
    this.projectAnnotation = projectAnnotation;
    this.roleAnnotation = roleAnnotation;
    this.databaseAnnotation = databaseAnnotation;
  }

  /**
   * Reports a {@code @Branch}, {@code @Role} or {@code @Database} whose enclosing type is not a
   * {@code @LakebaseProject}.
   */
  void checkEnclosedByProject(Element field, TypeElement annotation) {
    Element owner = field.getEnclosingElement();
    if (owner == null || mirror(owner, projectAnnotation) == null) {
      String name = "@" + annotation.getSimpleName();
      reporter.elementError(field, mirror(field, annotation), null, Rule.OUTSIDE_PROJECT,
          name + " " + field.getSimpleName() + " is not inside a @LakebaseProject class, so it"
              + " belongs to no project. Move it into the class annotated with @LakebaseProject,"
              + " or annotate its class.");
    }
  }

  Declared read(TypeElement type, List<String> extraIds) {
    AnnotationMirror projectMirror = mirror(type, projectAnnotation);
    Map<String, Object> project = values(projectMirror);
    List<BranchSpec> declared = new ArrayList<>();
    List<RoleSpec> roles = new ArrayList<>();
    List<DatabaseSpec> databases = new ArrayList<>();
    // By identity: two declarations with equal attributes are still two origins.
    Map<Object, Declared.Source> sources = new IdentityHashMap<>();
    boolean fieldErrors = false;
    for (Element member : type.getEnclosedElements()) {
      AnnotationMirror roleMirror = mirror(member, roleAnnotation);
      if (roleMirror != null) {
        String constant = constant(member, roleMirror, "@Role");
        if (constant == null) {
          fieldErrors = true;
        } else {
          Map<String, Object> r = values(roleMirror);
          RoleSpec role = new RoleSpec(member.getSimpleName().toString(), constant,
              enumName(r.get("identity")), (String) r.get("postgresRole"),
              (Boolean) r.get("superuser"), (Boolean) r.get("createdb"),
              (Boolean) r.get("createrole"), (Boolean) r.get("bypassrls"),
              strings(r.get("branches")));
          roles.add(role);
          sources.put(role, new Declared.Source(member, roleMirror));
        }
      }
      AnnotationMirror databaseMirror = mirror(member, databaseAnnotation);
      if (databaseMirror != null) {
        String constant = constant(member, databaseMirror, "@Database");
        if (constant == null) {
          fieldErrors = true;
        } else {
          Map<String, Object> d = values(databaseMirror);
          DatabaseSpec database = new DatabaseSpec(member.getSimpleName().toString(), constant,
              (String) d.get("name"), (String) d.get("owner"), strings(d.get("branches")));
          databases.add(database);
          sources.put(database, new Declared.Source(member, databaseMirror));
        }
      }
      AnnotationMirror branchMirror = mirror(member, branchAnnotation);
      if (branchMirror == null) {
        continue;
      }
      String constant = constant(member, branchMirror, "@Branch");
      if (constant == null) {
        fieldErrors = true;
        continue;
      }
      Map<String, Object> b = values(branchMirror);
      BranchSpec branch = BranchSpec.builder(member.getSimpleName().toString(), constant)
          .ttl((String) b.get("ttl"))
          .protect((Boolean) b.get("protect"))
          .from((String) b.get("from"))
          .readOnlyEndpoint((String) b.get("readOnlyEndpoint"))
          .minCu((Double) b.get("minCu"))
          .maxCu((Double) b.get("maxCu"))
          .primaryMinCu((Double) b.get("primaryMinCu"))
          .primaryMaxCu((Double) b.get("primaryMaxCu"))
          .replaceExisting((Boolean) b.get("replaceExisting"))
          .suspendTimeout((String) b.get("suspendTimeout"))
          .primarySuspendTimeout((String) b.get("primarySuspendTimeout"))
          .primaryComputes((Integer) b.get("primaryComputes"))
          .primaryPgSettings(strings(b.get("primaryPgSettings")))
          .pgSettings(strings(b.get("pgSettings")))
          .allowDestroy((Boolean) b.get("allowDestroy"))
          .build();
      declared.add(branch);
      sources.put(branch, new Declared.Source(member, branchMirror));
    }
    List<BranchSpec> all = Topology.withExtras(declared, extraIds);
    Topology topology = new Topology(
        (String) project.get("id"),
        (String) project.get("accessorName"),
        (Integer) project.get("pgVersion"),
        type.getQualifiedName().toString(),
        all,
        roles,
        databases,
        settings(project));
    return new Declared(topology, type, projectMirror, sources, fieldErrors);
  }

  private static ProjectSettings settings(Map<String, Object> project) {
    List<ProjectSettings.GrantSpec> grants = new ArrayList<>();
    for (AnnotationMirror g : mirrors(project.get("grants"))) {
      Map<String, Object> v = values(g);
      grants.add(new ProjectSettings.GrantSpec(enumName(v.get("level")), (String) v.get("group"),
          (String) v.get("user"), (String) v.get("servicePrincipal")));
    }
    List<ProjectSettings.TagSpec> tags = new ArrayList<>();
    for (AnnotationMirror t : mirrors(project.get("tags"))) {
      Map<String, Object> v = values(t);
      tags.add(new ProjectSettings.TagSpec((String) v.get("key"), (String) v.get("value")));
    }
    return new ProjectSettings(grants, tags, (String) project.get("budgetPolicyId"),
        (String) project.get("historyRetention"), (String) project.get("defaultSuspendTimeout"),
        (Boolean) project.get("preventDestroy"));
  }

  /** The constant's value, or {@code null} after reporting that the field is not a constant. */
  private String constant(Element member, AnnotationMirror mirror, String annotation) {
    String constant = constantValue(member);
    if (constant == null) {
      String name = member.getSimpleName().toString();
      String example = Ids.suggest(name);
      reporter.elementError(member, mirror, null, Rule.BRANCH_FIELD,
          annotation + " " + name + " must be a static final String constant whose value is the"
              + " id, e.g. " + annotation + " static final String " + name + " = \""
              + (example == null ? name : example) + "\";");
    }
    return constant;
  }

  /** A missing enum value (javac reports it) reads as "". */
  private static String enumName(Object value) {
    return value instanceof VariableElement constant ? constant.getSimpleName().toString() : "";
  }

  private static List<String> strings(Object value) {
    List<String> strings = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object v : list) {
        if (((AnnotationValue) v).getValue() instanceof String s) {
          strings.add(s);
        }
      }
    }
    return strings;
  }

  private static List<AnnotationMirror> mirrors(Object value) {
    List<AnnotationMirror> mirrors = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object v : list) {
        if (((AnnotationValue) v).getValue() instanceof AnnotationMirror m) {
          mirrors.add(m);
        }
      }
    }
    return mirrors;
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
