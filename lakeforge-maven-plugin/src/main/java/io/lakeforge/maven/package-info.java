/**
 * The LakeForge Maven plugin: {@code generate} runs the LakeForge annotation processor with the
 * build's {@code lakeforge.branches}, {@code bundle} places the generated {@code lakebase.yml} in
 * the Databricks Asset Bundle (or, with {@code lakeforge.check}, fails when the committed copy is
 * stale) and checks {@code databricks.yml}'s variables, {@code init-bundle} writes a starting
 * {@code databricks.yml}.
 */
package io.lakeforge.maven;
