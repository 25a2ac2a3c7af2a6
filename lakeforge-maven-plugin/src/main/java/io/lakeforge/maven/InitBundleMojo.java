package io.lakeforge.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Execute;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Writes a starting {@code databricks.yml} for the module's topology: the bundle named after the
 * project, every variable the generated {@code resources/lakebase.yml} references, and
 * {@code include: resources/*.yml}. Run it once: {@code mvn lakeforge:init-bundle}.
 */
@Mojo(name = "init-bundle", threadSafe = true)
@Execute(phase = LifecyclePhase.GENERATE_SOURCES)
public final class InitBundleMojo extends AbstractMojo {

  /** Public for Maven's injection only; use the plugin through its goals. */
  public InitBundleMojo() {}

  /** Where to write {@code databricks.yml}. Default: the bundle folder found, else the module folder. */
  @Parameter(property = "lakeforge.bundleDirectory")
  private File bundleDirectory;

  /** Replace an existing {@code databricks.yml}. */
  @Parameter(property = "lakeforge.force", defaultValue = "false")
  private boolean force;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    try {
      GeneratedTopology topology = BundleMojo.generated(project);
      Path folder = BundleFolder.locate(project.getBasedir().toPath(),
          bundleDirectory == null ? null : bundleDirectory.toPath());
      if (folder == null) {
        folder = project.getBasedir().toPath();
      }
      Path file = folder.resolve(BundleFolder.BUNDLE_FILE);
      if (Files.exists(file) && !force) {
        throw new MojoFailureException("LakeForge: " + file + " exists; the build checks its"
            + " variables. Pass -Dlakeforge.force=true to replace it.");
      }
      Files.createDirectories(folder.resolve("resources"));
      Files.writeString(file, BundleFolder.starter(topology), StandardCharsets.UTF_8);
      Files.writeString(folder.resolve(BundleFolder.RESOURCE), topology.yaml(),
          StandardCharsets.UTF_8);
      getLog().info("LakeForge: wrote " + file + " and " + folder.resolve(BundleFolder.RESOURCE)
          + "; fill in the variables' descriptions and values, then commit both.");
    } catch (IOException e) {
      throw new MojoExecutionException("LakeForge: " + e.getMessage(), e);
    }
  }
}
