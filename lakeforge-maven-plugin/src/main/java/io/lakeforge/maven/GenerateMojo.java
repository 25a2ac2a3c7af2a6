package io.lakeforge.maven;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Runs the LakeForge annotation processor over the module's sources, with
 * {@code -Alakeforge.branches} set from {@code -Dlakeforge.branches}, before the compiler runs.
 * It writes the {@code Branches} accessor to {@code target/generated-sources/lakeforge} (a compile
 * source root) and {@code META-INF/lakeforge/<project>/lakebase.yml} to the class output.
 *
 * <p>Why here and not inside maven-compiler-plugin: that plugin does not track processor options,
 * so a changed {@code -Dlakeforge.branches} with unchanged sources found "Nothing to compile" and
 * kept the old topology. This goal fingerprints its inputs (the option, the processor, every source
 * and class-path entry): when nothing changed it runs nothing, and it rewrites an output only when
 * its content changed, so the compiler recompiles exactly when the accessor or the sources did.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true,
    requiresDependencyResolution = ResolutionScope.COMPILE)
public final class GenerateMojo extends AbstractMojo {

  static final String PROCESSOR = "io.lakeforge.processor.LakeforgeProcessor";

  /** Public for Maven's injection only; use the plugin through its goals. */
  public GenerateMojo() {}

  /** Extra branches for this build only, comma-separated: {@code -Dlakeforge.branches=feature-x}. */
  @Parameter(property = "lakeforge.branches", defaultValue = "")
  private String branches;

  /** Skips every LakeForge goal. */
  @Parameter(property = "lakeforge.skip", defaultValue = "false")
  private boolean skip;

  /**
   * Fails the build on a LakeForge warning. Defaults to what the compiler does with warnings
   * ({@code -Werror} in {@code compilerArgs}, {@code failOnWarning}).
   */
  @Parameter(property = "lakeforge.failOnWarning")
  private Boolean failOnWarning;

  /** Where the accessor source goes; added as a compile source root. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/lakeforge", required = true)
  private File generatedSourcesDirectory;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Parameter(defaultValue = "${plugin.artifacts}", readonly = true, required = true)
  private List<Artifact> pluginArtifacts;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("LakeForge: skipped (lakeforge.skip)");
      return;
    }
    Path generated = generatedSourcesDirectory.toPath();
    project.addCompileSourceRoot(generated.toString());
    CompilerSettings compiler = CompilerSettings.of(project);
    refuseASecondProcessorRun(compiler);
    try {
      run(generated, compiler);
    } catch (IOException e) {
      throw new MojoExecutionException("LakeForge: " + e.getMessage(), e);
    }
  }

  private void refuseASecondProcessorRun(CompilerSettings compiler) throws MojoFailureException {
    boolean onClassPath = project.getArtifacts().stream()
        .anyMatch(a -> a.getArtifactId().equals("lakeforge-processor")
            && a.getGroupId().equals("io.lakeforge"));
    if (compiler.runsLakeforgeProcessor() || onClassPath) {
      throw new MojoFailureException("LakeForge: lakeforge-processor is "
          + (onClassPath ? "a compile dependency" : "in maven-compiler-plugin's annotationProcessorPaths")
          + " of " + project.getArtifactId() + ", so javac would run it a second time (and"
          + " generate Branches twice). lakeforge-maven-plugin runs it with -Dlakeforge.branches:"
          + " remove lakeforge-processor from the compiler's configuration and the dependencies.");
    }
  }

  private void run(Path generated, CompilerSettings compiler)
      throws IOException, MojoFailureException, MojoExecutionException {
    Path classOutput = Paths.get(project.getBuild().getOutputDirectory());
    Path state = Paths.get(project.getBuild().getDirectory(), "lakeforge");
    Path stamp = state.resolve("inputs.sha256");
    String option = branches == null ? "" : branches.strip();

    List<Path> sources = sources(generated);
    List<String> classPath = classPath(classOutput);
    List<Path> processorPath = processorPath();
    Fingerprint fingerprint = new Fingerprint().add("branches", option)
        .add("options", String.join(" ", compiler.processorOptions()))
        .add("release", String.valueOf(release()));
    for (Path jar : processorPath) {
      fingerprint.addFile("processor", jar);
    }
    for (Path source : sources) {
      fingerprint.addFile("source", source);
    }
    for (String entry : classPath) {
      fingerprint.addFile("classpath", Paths.get(entry));
    }
    String inputs = fingerprint.hex();
    if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(inputs)
        && !GeneratedTopology.findAll(classOutput).isEmpty()) {
      getLog().info("LakeForge: topology up to date" + describe(option));
      return;
    }
    Files.deleteIfExists(stamp);
    if (sources.isEmpty()) {
      throw new MojoFailureException("LakeForge: " + project.getArtifactId() + " has no Java"
          + " sources; the plugin belongs in the module that declares the @LakebaseProject class.");
    }

    Path work = state.resolve("work");
    FileTrees.delete(work);
    Path workSources = Files.createDirectories(work.resolve("sources"));
    Path workClasses = Files.createDirectories(work.resolve("classes"));
    List<String> options = new ArrayList<>(List.of("-proc:only", "-implicit:none",
        "-processor", PROCESSOR,
        "-processorpath", join(processorPath.stream().map(Path::toString).toList()),
        "-classpath", join(classPath),
        "-d", workClasses.toString(), "-s", workSources.toString(),
        "-encoding", encoding().name(),
        "-Alakeforge.branches=" + option));
    options.addAll(compiler.processorOptions());
    if (release() != null) {
      options.addAll(List.of("--release", release()));
    }
    boolean warningsFail = failOnWarning != null ? failOnWarning : compiler.failOnWarning();
    compile(options, sources, warningsFail);

    List<GeneratedTopology> topologies = GeneratedTopology.findAll(workClasses);
    if (topologies.isEmpty()) {
      throw new MojoFailureException("LakeForge: the sources of " + project.getArtifactId()
          + " declare no @LakebaseProject class, so there is no topology to generate. Annotate"
          + " the topology class with @LakebaseProject, or remove lakeforge-maven-plugin here.");
    }
    FileTrees.mirror(workSources, generated);
    FileTrees.mirror(workClasses.resolve(GeneratedTopology.FOLDER),
        classOutput.resolve(GeneratedTopology.FOLDER));
    Files.writeString(stamp, inputs + "\n");
    getLog().info("LakeForge: generated the topology " + topologies.get(0).projectId()
        + describe(option));
  }

  private void compile(List<String> options, List<Path> sources, boolean warningsFail)
      throws IOException, MojoFailureException, MojoExecutionException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new MojoExecutionException("LakeForge: this JVM has no Java compiler; run Maven on a JDK.");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter output = new StringWriter();
    boolean ok;
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, encoding())) {
      ok = javac.getTask(output, files, diagnostics, options, null,
          files.getJavaFileObjectsFromPaths(sources)).call();
    }
    int errors = 0;
    int warnings = 0;
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      String line = format(d);
      switch (d.getKind()) {
        case ERROR -> {
          errors++;
          getLog().error(line);
        }
        case WARNING, MANDATORY_WARNING -> {
          warnings++;
          getLog().warn(line);
        }
        default -> getLog().info(line);
      }
    }
    if (!output.toString().isBlank()) {
      getLog().info(output.toString().strip());
    }
    if (!ok || errors > 0) {
      throw new MojoFailureException("LakeForge: the topology of " + project.getArtifactId()
          + " has " + Math.max(errors, 1) + " error(s), listed above.");
    }
    if (warningsFail && warnings > 0) {
      throw new MojoFailureException("LakeForge: " + warnings + " warning(s) above, and this"
          + " build fails on warnings (-Werror or failOnWarning in maven-compiler-plugin, or"
          + " lakeforge.failOnWarning). Fix them, or suppress one on its element as"
          + " docs/topology.md explains.");
    }
  }

  private static String format(Diagnostic<? extends JavaFileObject> d) {
    String message = d.getMessage(Locale.ROOT);
    if (d.getSource() == null) {
      return message;
    }
    return d.getSource().getName() + ":[" + d.getLineNumber() + "," + d.getColumnNumber() + "] "
        + message;
  }

  private List<Path> sources(Path generated) throws IOException {
    Set<Path> sources = new TreeSet<>();
    for (String root : project.getCompileSourceRoots()) {
      Path dir = Paths.get(root).toAbsolutePath().normalize();
      if (dir.equals(generated.toAbsolutePath().normalize()) || !Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        // Not module-info.java: this run is on the class path (the topology's packages are all
        // the processor reads), where a descriptor would make javac look for its modules.
        walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)
                && !p.getFileName().toString().equals("module-info.java"))
            .forEach(sources::add);
      }
    }
    return List.copyOf(sources);
  }

  /** The compile class path without the module's own output, which this run precedes. */
  private List<String> classPath(Path classOutput) throws MojoExecutionException {
    try {
      Path own = classOutput.toAbsolutePath().normalize();
      return project.getCompileClasspathElements().stream()
          .filter(e -> !Paths.get(e).toAbsolutePath().normalize().equals(own))
          .toList();
    } catch (org.apache.maven.artifact.DependencyResolutionRequiredException e) {
      throw new MojoExecutionException("LakeForge: " + e.getMessage(), e);
    }
  }

  /** The processor and the annotations it reads, from this plugin's own dependencies. */
  private List<Path> processorPath() throws MojoExecutionException {
    List<Path> path = new ArrayList<>();
    for (Artifact a : pluginArtifacts) {
      if (a.getGroupId().equals("io.lakeforge") && (a.getArtifactId().equals("lakeforge-processor")
          || a.getArtifactId().equals("lakeforge-annotations"))) {
        path.add(a.getFile().toPath());
      }
    }
    if (path.size() != 2) {
      throw new MojoExecutionException("LakeForge: the plugin's class path lacks"
          + " lakeforge-processor or lakeforge-annotations: " + pluginArtifacts);
    }
    return path;
  }

  private String release() {
    String release = project.getProperties().getProperty("maven.compiler.release");
    return release == null || release.isBlank() ? null : release.strip();
  }

  private Charset encoding() {
    String name = project.getProperties().getProperty("project.build.sourceEncoding");
    return name == null || name.isBlank() ? StandardCharsets.UTF_8 : Charset.forName(name.strip());
  }

  private static String join(List<String> entries) {
    return String.join(File.pathSeparator, entries);
  }

  private static String describe(String option) {
    return option.isEmpty() ? "" : " (lakeforge.branches=" + option + ")";
  }
}
