package io.lakeforge.maven;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * What the module's maven-compiler-plugin configuration (plugin level and its
 * {@code default-compile} execution) says that matters to the processor run: whether warnings
 * fail the build, the {@code -A} options it passes, and whether it already runs the processor.
 */
record CompilerSettings(boolean failOnWarning, List<String> processorOptions,
    boolean runsLakeforgeProcessor) {

  static final String COMPILER = "org.apache.maven.plugins:maven-compiler-plugin";

  static CompilerSettings of(MavenProject project) {
    List<Xpp3Dom> configs = new ArrayList<>();
    Plugin compiler = project.getBuild().getPluginsAsMap().get(COMPILER);
    if (compiler != null) {
      add(configs, compiler.getConfiguration());
      for (PluginExecution execution : compiler.getExecutions()) {
        if (execution.getId().equals("default-compile")) {
          add(configs, execution.getConfiguration());
        }
      }
    }
    boolean failOnWarning =
        Boolean.parseBoolean(project.getProperties().getProperty("maven.compiler.failOnWarning"));
    List<String> options = new ArrayList<>();
    boolean runsProcessor = false;
    for (Xpp3Dom config : configs) {
      Xpp3Dom fail = config.getChild("failOnWarning");
      if (fail != null && fail.getValue() != null) {
        failOnWarning = Boolean.parseBoolean(fail.getValue().strip());
      }
      Xpp3Dom args = config.getChild("compilerArgs");
      if (args != null) {
        for (Xpp3Dom arg : args.getChildren()) {
          String value = arg.getValue() == null ? "" : arg.getValue().strip();
          if (value.equals("-Werror")) {
            failOnWarning = true;
          } else if (value.startsWith("-A") && !value.startsWith("-Alakeforge.branches=")) {
            options.add(value);
          }
        }
      }
      Xpp3Dom paths = config.getChild("annotationProcessorPaths");
      if (paths != null) {
        for (Xpp3Dom path : paths.getChildren()) {
          Xpp3Dom artifactId = path.getChild("artifactId");
          if (artifactId != null && "lakeforge-processor".equals(artifactId.getValue())) {
            runsProcessor = true;
          }
        }
      }
    }
    return new CompilerSettings(failOnWarning, List.copyOf(options), runsProcessor);
  }

  private static void add(List<Xpp3Dom> configs, Object configuration) {
    if (configuration instanceof Xpp3Dom dom) {
      configs.add(dom);
    }
  }
}
