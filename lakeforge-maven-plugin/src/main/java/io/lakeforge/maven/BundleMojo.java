package io.lakeforge.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Keeps the bundle's {@code resources/lakebase.yml} equal to the topology this build generated, and
 * checks that {@code databricks.yml} declares every variable that file references.
 *
 * <p>Locally the file is updated. With {@code -Dlakeforge.check=true} (the default when the
 * environment has {@code CI=true}) it is only compared: a stale or missing committed file fails
 * the build, naming the first difference.
 */
@Mojo(name = "bundle", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public final class BundleMojo extends AbstractMojo {

  /** Public for Maven's injection only; use the plugin through its goals. */
  public BundleMojo() {}

  /**
   * The folder holding {@code databricks.yml}. Default: the module folder if it holds one, else
   * its parent if that does.
   */
  @Parameter(property = "lakeforge.bundleDirectory")
  private File bundleDirectory;

  /**
   * Compare instead of write: fail when the committed {@code resources/lakebase.yml} differs from
   * the generated one. Default: {@code true} when the environment variable {@code CI} is
   * {@code true}, else {@code false}.
   */
  @Parameter(property = "lakeforge.check")
  private Boolean check;

  /** Extra branches of this build ({@code -Dlakeforge.branches}); they cannot be checked. */
  @Parameter(property = "lakeforge.branches", defaultValue = "")
  private String branches;

  /** Skips every LakeForge goal. */
  @Parameter(property = "lakeforge.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  private Path bundle;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      return;
    }
    branches = branches == null ? "" : branches.strip();
    try {
      GeneratedTopology topology = generated(project);
      bundle = bundleFolder(project, bundleDirectory).toAbsolutePath().normalize();
      Path target = bundle.resolve(BundleFolder.RESOURCE);
      if (checking()) {
        compare(topology, target);
      } else if (FileTrees.writeIfChanged(target, topology.yaml().getBytes(StandardCharsets.UTF_8))) {
        getLog().info("LakeForge: updated " + shown(target) + describe());
      } else {
        getLog().info("LakeForge: " + shown(target) + " is up to date" + describe());
      }
      checkVariables(topology, bundle);
    } catch (IOException e) {
      throw new MojoExecutionException("LakeForge: " + e.getMessage(), e);
    }
  }

  private boolean checking() {
    return check != null ? check : "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private void compare(GeneratedTopology topology, Path target)
      throws IOException, MojoFailureException {
    if (!branches.isBlank()) {
      throw new MojoFailureException("LakeForge: lakeforge.check compares the committed "
          + BundleFolder.RESOURCE + " with the declared topology, but -Dlakeforge.branches="
          + branches.strip() + " adds branches for this build only. Pass -Dlakeforge.check=false"
          + " to write the file with them (CI=true turns the check on).");
    }
    String committed = Files.isRegularFile(target)
        ? Files.readString(target, StandardCharsets.UTF_8) : null;
    if (topology.yaml().equals(committed)) {
      getLog().info("LakeForge: " + shown(target) + " matches the topology (lakeforge.check)");
      return;
    }
    String fix = " Run the build without -Dlakeforge.check=true (locally, CI unset) to update it,"
        + " and commit the result.";
    if (committed == null) {
      throw new MojoFailureException("LakeForge: " + shown(target) + " is missing; the topology "
          + topology.projectId() + " generates it." + fix);
    }
    throw new MojoFailureException("LakeForge: " + shown(target) + " is stale: "
        + firstDifference(committed, topology.yaml()) + "." + fix);
  }

  private void checkVariables(GeneratedTopology topology, Path bundle)
      throws IOException, MojoFailureException {
    Set<String> missing = new TreeSet<>(topology.variables());
    missing.removeAll(BundleFolder.declaredVariables(bundle));
    if (!missing.isEmpty()) {
      throw new MojoFailureException("LakeForge: " + BundleFolder.RESOURCE + " references "
          + String.join(", ", missing) + ", which " + shown(bundle.resolve(BundleFolder.BUNDLE_FILE))
          + " does not declare (the CLI would stop at bundle validate). Add to it:\n\n"
          + BundleFolder.snippet(missing, topology.projectId()));
    }
  }

  static GeneratedTopology generated(MavenProject project) throws IOException, MojoFailureException {
    Path classOutput = Paths.get(project.getBuild().getOutputDirectory());
    List<GeneratedTopology> found = GeneratedTopology.findAll(classOutput);
    Path work = Paths.get(project.getBuild().getDirectory(), "lakeforge", "work", "classes");
    if (found.isEmpty() && !GeneratedTopology.findAll(work).isEmpty()) {
      // maven-compiler-plugin deletes what javac wrote in its previous run when it recompiles
      // everything, which removes a copy the compiler's processor once wrote: restore ours.
      FileTrees.mirror(work.resolve(GeneratedTopology.FOLDER),
          classOutput.resolve(GeneratedTopology.FOLDER));
      found = GeneratedTopology.findAll(classOutput);
    }
    if (found.isEmpty()) {
      throw new MojoFailureException("LakeForge: no generated topology in "
          + project.getBuild().getOutputDirectory() + "/" + GeneratedTopology.FOLDER
          + ". Bind the plugin's generate goal too: <goals><goal>generate</goal><goal>bundle</goal></goals>.");
    }
    if (found.size() > 1) {
      throw new MojoFailureException("LakeForge: " + project.getBuild().getOutputDirectory() + "/"
          + GeneratedTopology.FOLDER + " holds several projects ("
          + String.join(", ", found.stream().map(GeneratedTopology::projectId).toList())
          + "); run mvn clean once, since one module declares one project.");
    }
    return found.get(0);
  }

  static Path bundleFolder(MavenProject project, File configured) throws MojoFailureException {
    Path bundle = BundleFolder.locate(project.getBasedir().toPath(),
        configured == null ? null : configured.toPath());
    if (bundle == null) {
      throw new MojoFailureException("LakeForge: found no " + BundleFolder.BUNDLE_FILE + " in "
          + project.getBasedir() + " or its parent. Write one with `mvn lakeforge:init-bundle`,"
          + " or point -Dlakeforge.bundleDirectory (or <bundleDirectory>) at the bundle folder.");
    }
    if (!Files.isRegularFile(bundle.resolve(BundleFolder.BUNDLE_FILE))) {
      throw new MojoFailureException("LakeForge: the bundle folder " + bundle + " has no "
          + BundleFolder.BUNDLE_FILE + ". Write one with `mvn lakeforge:init-bundle`.");
    }
    return bundle;
  }

  static String firstDifference(String committed, String generated) {
    String[] a = committed.split("\n", -1);
    String[] b = generated.split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String left = i < a.length ? a[i] : "(end of file)";
      String right = i < b.length ? b[i] : "(end of file)";
      if (!left.equals(right)) {
        return "line " + (i + 1) + " is \"" + left + "\", the topology generates \"" + right + "\"";
      }
    }
    return "the files differ in line endings";
  }

  /** A file of the bundle as the bundle names it ({@code resources/lakebase.yml}). */
  private String shown(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    return bundle != null && abs.startsWith(bundle) ? bundle.relativize(abs).toString()
        : abs.toString();
  }

  private String describe() {
    return branches.isBlank() ? "" : " (with lakeforge.branches=" + branches.strip() + ")";
  }
}
