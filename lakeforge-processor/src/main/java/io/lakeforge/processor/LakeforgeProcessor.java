package io.lakeforge.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Reads {@code @LakebaseProject} classes, validates them, and writes the bundle YAML and the typed
 * accessor. Thin on purpose: {@link ProjectReader} reads, {@link TopologyValidator} validates,
 * {@link BundleYamlWriter} and {@link AccessorGenerator} write, {@link Reporter} reports.
 */
@AutoService(Processor.class)
@SupportedOptions({LakeforgeProcessor.BRANCHES_OPTION, LakeforgeProcessor.SUPPRESS_OPTION})
public final class LakeforgeProcessor extends AbstractProcessor {

  /** Comma-separated extra branches for one build: {@code -Alakeforge.branches=a,b}. */
  static final String BRANCHES_OPTION = "lakeforge.branches";

  /**
   * Comma-separated warnings to leave out of the whole compilation:
   * {@code -Alakeforge.suppress=expiring-branch} (keys as in {@code @SuppressWarnings}, with or
   * without {@code lakeforge:}; {@code lakeforge} for every warning).
   */
  static final String SUPPRESS_OPTION = "lakeforge.suppress";

  static final String EXTRAS_LABEL = "-A" + BRANCHES_OPTION;

  /** The compilation's one project, once seen (across rounds). */
  private TypeElement project;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(LakebaseProject.class.getCanonicalName(), Branch.class.getCanonicalName(),
        Role.class.getCanonicalName(), Database.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  /**
   * Returns {@code true}: the two annotations are LakeForge's own, and claiming them keeps
   * {@code -Xlint:processing} quiet (no "No processor claimed" warning to fail a {@code -Werror}
   * build).
   */
  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Reporter reporter = new Reporter(processingEnv.getMessager(),
        Topology.splitBranchList(processingEnv.getOptions().get(SUPPRESS_OPTION)));
    try {
      processRound(round, reporter);
    } catch (RuntimeException e) {
      // Never let an exception reach javac: it would hide every other diagnostic.
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      reporter.internal(null, "LakeForge failed unexpectedly; please report this with the trace: "
          + trace);
    }
    return true;
  }

  private void processRound(RoundEnvironment round, Reporter reporter) {
    Elements elements = processingEnv.getElementUtils();
    TypeElement branchAnnotation = elements.getTypeElement(Branch.class.getCanonicalName());
    TypeElement projectAnnotation =
        elements.getTypeElement(LakebaseProject.class.getCanonicalName());
    TypeElement roleAnnotation = elements.getTypeElement(Role.class.getCanonicalName());
    TypeElement databaseAnnotation = elements.getTypeElement(Database.class.getCanonicalName());
    if (branchAnnotation == null || projectAnnotation == null || roleAnnotation == null
        || databaseAnnotation == null) {
      return;
    }
    ProjectReader reader = new ProjectReader(
        reporter, branchAnnotation, projectAnnotation, roleAnnotation, databaseAnnotation);
    for (TypeElement annotation : List.of(branchAnnotation, roleAnnotation, databaseAnnotation)) {
      for (Element field : round.getElementsAnnotatedWith(annotation)) {
        reader.checkEnclosedByProject(field, annotation);
      }
    }
    String extras = processingEnv.getOptions().get(BRANCHES_OPTION);
    Set<String> sourceTypes = new HashSet<>();
    for (TypeElement t : ElementFilter.typesIn(round.getRootElements())) {
      sourceTypes.add(t.getQualifiedName().toString());
    }
    for (TypeElement type : ElementFilter.typesIn(round.getElementsAnnotatedWith(projectAnnotation))) {
      ProjectReader.Declared declared = reader.read(type, Topology.splitBranchList(extras));
      if (!claimTheOneProject(type, declared, reporter)) {
        continue;
      }
      Topology topology = declared.topology();
      Report report = TopologyValidator.validate(topology, EXTRAS_LABEL);
      reporter.print(report, declared);
      boolean clean = !declared.hadFieldErrors() && !report.hasErrors();
      if (clean) {
        // Only a valid topology: invalid ids already have their error, not a second one.
        Report accessorReport = AccessorGenerator.check(topology, EXTRAS_LABEL);
        reporter.print(accessorReport, declared);
        clean = !accessorReport.hasErrors();
      }
      String accessor = qualified(packageOf(type), topology.accessorName());
      if (clean && sourceTypes.contains(accessor)) {
        clean = false;
        reporter.projectError(declared, Rule.ACCESSOR_NAME, "accessorName",
            "@LakebaseProject accessorName " + Ids.quote(topology.accessorName()) + " names the"
                + " existing type " + accessor + ", and the generated accessor cannot replace it."
                + " Choose another accessorName, such as \"Branches\".");
      }
      if (clean) {
        write(type, declared, reporter);
      }
    }
  }

  /**
   * Bundle resource keys ({@code lakebase_project}, {@code branch_dev}, ...) and the
   * {@code project_name} variable are per bundle, so two projects in one compilation would write
   * bundles that cannot be combined. The second one is refused, with how to split.
   */
  private boolean claimTheOneProject(
      TypeElement type, ProjectReader.Declared declared, Reporter reporter) {
    if (project == null || project.equals(type)) {
      project = type;
      return true;
    }
    reporter.projectError(declared, Rule.ONE_PROJECT, null,
        "@LakebaseProject " + type.getQualifiedName() + ": this compilation already declares the"
            + " project " + project.getQualifiedName() + ", and one compilation writes one bundle"
            + " (fixed resource keys such as lakebase_project and branch_dev, one"
            + " ${var.project_name}), so two projects would collide when deployed. Move this class"
            + " into a module of its own with its own databricks.yml, or declare its branches in "
            + project.getSimpleName() + ".");
    return false;
  }

  private String packageOf(TypeElement type) {
    PackageElement pkg = processingEnv.getElementUtils().getPackageOf(type);
    return pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString();
  }

  private static String qualified(String packageName, String simpleName) {
    return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
  }

  /**
   * Writes the YAML first, then the accessor. Both are rendered before either is written, and a
   * failure of either is a compile error, so a half-written pair never reaches a jar.
   */
  private void write(TypeElement type, ProjectReader.Declared declared, Reporter reporter) {
    Topology topology = declared.topology();
    String yaml = BundleYamlWriter.write(topology);
    JavaFile accessor =
        AccessorGenerator.generate(topology, packageOf(type), ClassName.get(type), type);
    String path = "META-INF/lakeforge/" + topology.projectId() + "/lakebase.yml";
    Filer filer = processingEnv.getFiler();
    try {
      FileObject resource = filer.createResource(StandardLocation.CLASS_OUTPUT, "", path, type);
      try (OutputStream out = resource.openOutputStream()) {
        out.write(yaml.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      reporter.internal(type, "could not write " + path + ": " + e.getMessage()
          + ". Check that the class output directory is writable, then rebuild.");
      return;
    }
    try {
      accessor.writeTo(filer);
    } catch (FilerException e) {
      reporter.projectError(declared, Rule.ACCESSOR_NAME, "accessorName",
          "@LakebaseProject accessorName " + Ids.quote(topology.accessorName()) + ": "
              + e.getMessage() + ". Another file of this compilation already has that name;"
              + " choose another accessorName.");
    } catch (IOException e) {
      reporter.internal(type, "could not write the accessor " + topology.accessorName() + ": "
          + e.getMessage() + ". Check that the generated-sources directory is writable, then"
          + " rebuild.");
    }
  }
}
