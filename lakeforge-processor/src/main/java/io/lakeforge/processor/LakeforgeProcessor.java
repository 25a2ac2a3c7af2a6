package io.lakeforge.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.LakebaseProject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Reads {@code @LakebaseProject} classes, validates them, and writes the bundle YAML and the typed
 * accessor. Thin on purpose: {@link ProjectReader} reads, {@link TopologyValidator} validates,
 * {@link BundleYamlWriter} and {@link AccessorGenerator} write, {@link Reporter} reports.
 */
@AutoService(Processor.class)
@SupportedOptions(LakeforgeProcessor.BRANCHES_OPTION)
public final class LakeforgeProcessor extends AbstractProcessor {

  /** Comma-separated extra branches for one build: {@code -Alakeforge.branches=a,b}. */
  static final String BRANCHES_OPTION = "lakeforge.branches";

  static final String EXTRAS_LABEL = "-A" + BRANCHES_OPTION;

  /** Project ids and accessor names already claimed, across rounds. */
  private final Map<String, TypeElement> projectIds = new HashMap<>();

  private final Map<String, TypeElement> accessors = new HashMap<>();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(LakebaseProject.class.getCanonicalName(), Branch.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Reporter reporter = new Reporter(processingEnv.getMessager());
    try {
      processRound(round, reporter);
    } catch (RuntimeException e) {
      // Never let an exception reach javac: it would hide every other diagnostic.
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      reporter.internal(null, "LakeForge failed unexpectedly; please report this with the trace: "
          + trace);
    }
    return false;
  }

  private void processRound(RoundEnvironment round, Reporter reporter) {
    TypeElement branchAnnotation =
        processingEnv.getElementUtils().getTypeElement(Branch.class.getCanonicalName());
    TypeElement projectAnnotation =
        processingEnv.getElementUtils().getTypeElement(LakebaseProject.class.getCanonicalName());
    if (branchAnnotation == null || projectAnnotation == null) {
      return;
    }
    ProjectReader reader = new ProjectReader(reporter, branchAnnotation, projectAnnotation);
    for (Element field : round.getElementsAnnotatedWith(branchAnnotation)) {
      reader.checkEnclosedByProject(field);
    }
    String extras = processingEnv.getOptions().get(BRANCHES_OPTION);
    for (TypeElement type : ElementFilter.typesIn(round.getElementsAnnotatedWith(projectAnnotation))) {
      ProjectReader.Declared declared = reader.read(type, Topology.splitBranchList(extras));
      Report report = TopologyValidator.validate(declared.topology(), EXTRAS_LABEL);
      reporter.print(report, declared);
      boolean clean = !declared.hadFieldErrors() && !report.hasErrors();
      clean &= claim(projectIds, declared.topology().projectId(), type, declared, reporter, true);
      clean &= claim(accessors, accessorName(type, declared), type, declared, reporter, false);
      if (clean) {
        write(type, declared, reporter);
      }
    }
  }

  private boolean claim(
      Map<String, TypeElement> claimed,
      String name,
      TypeElement type,
      ProjectReader.Declared declared,
      Reporter reporter,
      boolean projectId) {
    TypeElement first = claimed.putIfAbsent(name, type);
    if (first == null || first.equals(type)) {
      return true;
    }
    if (projectId) {
      reporter.projectError(declared, Rule.DUPLICATE_PROJECT, "id",
          "@LakebaseProject " + type.getQualifiedName() + ": project id \"" + name
              + "\" is already declared by " + first.getQualifiedName() + ", and both would write"
              + " META-INF/lakeforge/" + name + "/lakebase.yml. Give each project its own id.");
    } else {
      reporter.projectError(declared, Rule.DUPLICATE_ACCESSOR, "accessorName",
          "@LakebaseProject " + type.getQualifiedName() + ": accessor " + name + " is already"
              + " generated for " + first.getQualifiedName() + ". Set a different accessorName.");
    }
    return false;
  }

  private String accessorName(TypeElement type, ProjectReader.Declared declared) {
    return packageOf(type) + "." + declared.topology().accessorName();
  }

  private String packageOf(TypeElement type) {
    PackageElement pkg = processingEnv.getElementUtils().getPackageOf(type);
    return pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString();
  }

  private void write(TypeElement type, ProjectReader.Declared declared, Reporter reporter) {
    Topology topology = declared.topology();
    // Render both outputs before writing either, so a failure cannot leave one half-done.
    String yaml = BundleYamlWriter.write(topology);
    JavaFile accessor =
        AccessorGenerator.generate(topology, packageOf(type), ClassName.get(type), type);
    String path = "META-INF/lakeforge/" + topology.projectId() + "/lakebase.yml";
    try {
      accessor.writeTo(processingEnv.getFiler());
      FileObject resource =
          processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", path, type);
      try (OutputStream out = resource.openOutputStream()) {
        out.write(yaml.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      reporter.internal(type, "could not write " + path + " or the accessor: " + e.getMessage()
          + ". Check that the class output directory is writable, then rebuild.");
    }
  }
}
