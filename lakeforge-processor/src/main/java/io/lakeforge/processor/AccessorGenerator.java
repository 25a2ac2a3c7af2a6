package io.lakeforge.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import io.lakeforge.annotations.BranchRef;
import io.lakeforge.annotations.DatabaseRef;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.RoleRef;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Generates the typed accessor ({@code Branches}) for a validated topology. It carries no
 * {@code @javax.annotation.processing.Generated}: that annotation has SOURCE retention (no tool
 * reads it after javac), it would make a named module need {@code requires java.compiler}, and no
 * processor claims it, so {@code -Xlint:processing} would warn. The file comment says it is
 * generated.
 */
final class AccessorGenerator {

  /**
   * The accessor's own public constant. Its other members ({@code branches}, {@code all()},
   * {@code byId}) are lower case, which no branch constant can be.
   */
  static final String PROJECT_ID = "PROJECT_ID";

  /** Nested classes holding the role and database handles. */
  static final String ROLES = "Roles";

  static final String DATABASES = "Databases";

  /** The nested class of branch id constants, usable where an annotation needs a constant. */
  static final String IDS = "Ids";

  private AccessorGenerator() {}

  /**
   * What only the accessor requires of a valid topology: one distinct Java constant per branch.
   * The topology validator knows nothing of this, so the CLI (which writes no accessor) accepts
   * any valid branch id.
   */
  static Report check(Topology topology, String extrasLabel) {
    Report report = new Report();
    String accessor = topology.accessorName();
    if ((accessor.equals(ROLES) && !topology.roles().isEmpty())
        || (accessor.equals(DATABASES) && !topology.databases().isEmpty())
        || accessor.equals(IDS)) {
      report.add(Rule.ACCESSOR_NAME, null, "accessorName", "@LakebaseProject"
          + " accessorName " + Ids.quote(accessor) + " is the name of the accessor's nested class"
          + " of " + (accessor.equals(IDS) ? "branch id constants"
              : accessor.toLowerCase(Locale.ROOT) + " handles") + ", and a class cannot"
          + " contain a class of its own name. Choose another accessorName, such as"
          + " \"Branches\".");
    }
    Map<String, Integer> seen = new HashMap<>();
    List<BranchSpec> branches = topology.branches();
    for (int i = 0; i < branches.size(); i++) {
      BranchSpec b = branches.get(i);
      String who = b.extra()
          ? "branch " + Ids.quote(b.id()) + " (from " + extrasLabel + ")"
          : "@Branch " + b.constantName();
      if (b.constantName().equals(PROJECT_ID)) {
        report.add(Rule.KEY_COLLISION, b, null, who + ": its accessor constant " + PROJECT_ID
            + " is the accessor's own constant for the project id. "
            + (b.extra() ? "Declare the branch with @Branch under another constant name."
                : "Rename the constant."));
        continue;
      }
      Integer first = seen.putIfAbsent(b.constantName(), i);
      if (first != null) {
        BranchSpec other = branches.get(first);
        report.add(Rule.KEY_COLLISION, b, null, who + ": its accessor constant "
            + b.constantName() + " is already taken by " + (other.extra()
                ? "branch " + Ids.quote(other.id()) + " (from " + extrasLabel + ")"
                : "@Branch " + other.constantName() + " (id " + Ids.quote(other.id()) + ")")
            + ". Rename one of them.");
      }
    }
    return report;
  }

  /**
   * Nested {@code Roles} and {@code Databases} classes with one handle per declaration, and
   * {@code rolesOn} / {@code databasesOn} so that a branch handle leads to what it holds.
   */
  private static void addAccess(TypeSpec.Builder type, Topology topology) {
    if (!topology.roles().isEmpty()) {
      ClassName ref = ClassName.get(RoleRef.class);
      TypeSpec.Builder roles = nested(ROLES, "Typed handles to the declared roles.\n");
      CodeBlock.Builder all = CodeBlock.builder().add("$T.of(", List.class);
      for (int i = 0; i < topology.roles().size(); i++) {
        RoleSpec r = topology.roles().get(i);
        List<String> on = r.branchIds(topology);
        roles.addField(FieldSpec.builder(ref, r.constantName(), Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("Role {@code $L} ($L), on branches $L.\n", r.id(), r.identity(),
                String.join(", ", on))
            .initializer("new $T($S, $T.$L, $L)", ref, r.id(), Identity.class, r.identity(),
                setOf(on))
            .build());
        all.add(i == 0 ? "$L.$L" : ", $L.$L", ROLES, r.constantName());
      }
      type.addType(roles.build());
      addOn(type, "roles", ref, all.add(")").build(), "rolesOn", "roles declared");
    }
    if (!topology.databases().isEmpty()) {
      ClassName ref = ClassName.get(DatabaseRef.class);
      TypeSpec.Builder databases =
          nested(DATABASES, "Typed handles to the declared databases.\n");
      CodeBlock.Builder all = CodeBlock.builder().add("$T.of(", List.class);
      for (int i = 0; i < topology.databases().size(); i++) {
        DatabaseSpec d = topology.databases().get(i);
        List<String> on = d.branchIds(topology);
        databases.addField(FieldSpec.builder(ref, d.constantName(), Modifier.PUBLIC,
                Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Database {@code $L} (Postgres name {@code $L}, owner {@code $L}), on"
                + " branches $L.\n", d.id(), d.postgresName(), d.owner(), String.join(", ", on))
            .initializer("new $T($S, $S, $S, $L)", ref, d.id(), d.postgresName(), d.owner(),
                setOf(on))
            .build());
        all.add(i == 0 ? "$L.$L" : ", $L.$L", DATABASES, d.constantName());
      }
      type.addType(databases.build());
      addOn(type, "databases", ref, all.add(")").build(), "databasesOn", "databases declared");
    }
  }

  /**
   * {@code Ids.STAGING = "staging"}: compile-time constants, so that annotations, which take only
   * constants, can name a declared branch ({@code @LakebaseTestBranch(from = Branches.Ids.STAGING)})
   * and a typo is a compile error.
   */
  private static TypeSpec ids(String accessor, List<BranchSpec> branches) {
    TypeSpec.Builder ids = nested(IDS, "The branch ids as compile-time constants, for annotation"
        + " attributes such as\n{@code @LakebaseTestBranch(from = $L.$L.$L)}.\n",
        accessor, IDS, branches.get(0).constantName());
    for (BranchSpec b : branches) {
      ids.addField(FieldSpec.builder(String.class, b.constantName(), Modifier.PUBLIC,
              Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("The id of branch {@code $L}.\n", b.id())
          .initializer("$S", b.id())
          .build());
    }
    return ids.build();
  }

  private static TypeSpec.Builder nested(String name, String javadoc, Object... args) {
    return TypeSpec.classBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(javadoc, args)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
  }

  private static void addOn(TypeSpec.Builder type, String field, ClassName ref, CodeBlock all,
      String method, String what) {
    ParameterizedTypeName list = ParameterizedTypeName.get(ClassName.get(List.class), ref);
    type.addField(FieldSpec.builder(list, field, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer(all)
        .build());
    type.addMethod(MethodSpec.methodBuilder(method)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(list)
        .addParameter(BranchRef.class, "branch")
        .addJavadoc("The $L on a branch, in declaration order.\n", what)
        .addJavadoc("\n@param branch a branch of this topology\n")
        .addJavadoc("@return the $L there, unmodifiable\n", what)
        .addStatement("return $L.stream().filter(x -> x.isOn(branch)).toList()", field)
        .build());
  }

  private static CodeBlock setOf(List<String> ids) {
    CodeBlock.Builder set = CodeBlock.builder().add("$T.of(", Set.class);
    for (int i = 0; i < ids.size(); i++) {
      set.add(i == 0 ? "$S" : ", $S", ids.get(i));
    }
    return set.add(")").build();
  }

  /**
   * @param packageName package of the {@code @LakebaseProject} class
   * @param sourceClass the {@code @LakebaseProject} class, linked from the Javadoc
   * @param origin the originating element, or {@code null} outside javac
   */
  static JavaFile generate(
      Topology topology, String packageName, ClassName sourceClass, Element origin) {
    ClassName ref = ClassName.get(BranchRef.class);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(topology.accessorName())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc(
                "Typed handles to the branches of the Lakebase project {@code $L}, declared in"
                    + " {@link $T}.\n",
                topology.projectId(),
                sourceClass)
            .addJavadoc(
                "\n<p>Generated by LakeForge; change the topology and rebuild instead of editing"
                    + " this file.\n");
    if (origin != null) {
      type.addOriginatingElement(origin);
    }

    type.addField(
        FieldSpec.builder(String.class, PROJECT_ID, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "The project id declared in the topology. A deployment under another name is"
                    + " reached with {@link BranchRef#withProjectId(String)}.\n")
            .initializer("$S", topology.projectId())
            .build());

    CodeBlock.Builder all = CodeBlock.builder().add("$T.of(", List.class);
    List<BranchSpec> branches = topology.branches();
    for (int i = 0; i < branches.size(); i++) {
      BranchSpec b = branches.get(i);
      String database = topology.databases().stream()
          .filter(d -> d.branchIds(topology).contains(b.id()))
          .map(DatabaseSpec::postgresName)
          .findFirst()
          .orElse("");
      type.addField(
          FieldSpec.builder(ref, b.constantName(), Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc(b.hasReadOnlyEndpoint()
                  ? CodeBlock.of("Branch {@code $L}: read-write endpoint {@code $L}, read-only"
                      + " endpoint {@code $L}.\n", b.id(), BranchRef.PRIMARY, b.readOnlyEndpoint())
                  : CodeBlock.of("Branch {@code $L}: read-write endpoint {@code $L}, no read-only"
                      + " endpoint.\n", b.id(), BranchRef.PRIMARY))
              .addJavadoc(database.isEmpty()
                  ? CodeBlock.of("")
                  : CodeBlock.of("Default database {@code $L}, the first declared on it.\n",
                      database))
              .initializer(database.isEmpty()
                  ? CodeBlock.of("new $T(PROJECT_ID, $S, $S, $S)", ref, b.id(), BranchRef.PRIMARY,
                      b.readOnlyEndpoint())
                  : CodeBlock.of("new $T(PROJECT_ID, $S, $S, $S, $S)", ref, b.id(),
                      BranchRef.PRIMARY, b.readOnlyEndpoint(), database))
              .build());
      all.add(i == 0 ? "$L" : ", $L", b.constantName());
    }
    type.addType(ids(topology.accessorName(), branches));
    ParameterizedTypeName listOfRefs = ParameterizedTypeName.get(ClassName.get(List.class), ref);
    type.addField(
        FieldSpec.builder(listOfRefs, "branches", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .initializer(all.add(")").build())
            .build());

    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    addAccess(type, topology);
    type.addMethod(
        MethodSpec.methodBuilder("all")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(listOfRefs)
            .addJavadoc("Every branch of the topology, in declaration order.\n")
            .addJavadoc("\n@return the branches, unmodifiable\n")
            .addStatement("return branches")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("byId")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(ParameterizedTypeName.get(ClassName.get(Optional.class), ref))
            .addParameter(String.class, "branchId")
            .addJavadoc("The branch with this id, or empty if the topology has none.\n")
            .addJavadoc("\n@param branchId a Lakebase branch id, such as {@code $L}\n",
                branches.get(0).id())
            .addJavadoc("@return the branch, or empty\n")
            .beginControlFlow("for ($T branch : branches)", ref)
            .beginControlFlow("if (branch.branchId().equals(branchId))")
            .addStatement("return $T.of(branch)", Optional.class)
            .endControlFlow()
            .endControlFlow()
            .addStatement("return $T.empty()", Optional.class)
            .build());

    return JavaFile.builder(packageName, type.build())
        .addFileComment("Generated by LakeForge from $L. Do not edit.", topology.source())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }
}
