/**
 * LakeForge runtime: pooled, typed access to Databricks Lakebase endpoints where every new
 * physical connection logs in with a short-lived credential minted by the Databricks API.
 *
 * <ul>
 *   <li>{@link io.lakeforge.runtime.Lakebase}: per-branch jOOQ contexts from generated
 *       {@code Branches} handles, one lazily created pool per endpoint.
 *   <li>{@link io.lakeforge.runtime.LakebasePool}: one Agroal pool for one endpoint, built from
 *       the environment ({@code PGHOST}, {@code LAKEBASE_ENDPOINT}, ...) or a {@link
 *       io.lakeforge.runtime.LakebaseConfig}.
 *   <li>{@link io.lakeforge.runtime.LakebaseAsyncPool}: the same pool behind a bounded
 *       {@link java.util.concurrent.CompletionStage} API.
 *   <li>{@link io.lakeforge.runtime.LakebaseDataSource}: a plain {@link javax.sql.DataSource}
 *       that logs in with a Lakebase credential on every {@code getConnection()}, for HikariCP,
 *       Spring or any other pool.
 * </ul>
 */
@NullMarked
package io.lakeforge.runtime;

import org.jspecify.annotations.NullMarked;
