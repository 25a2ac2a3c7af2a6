package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseConfig;

/**
 * Adjusts the {@link LakebaseConfig} the starter binds from {@code lakeforge.*} properties before
 * any pool, data source or {@code Lakebase} bean is built from it, as Boot's customizers do for
 * its own beans. Beans of this type are applied in {@link org.springframework.core.Ordered} order.
 *
 * <pre>{@code
 * @Bean
 * LakebaseConfigCustomizer appName() {
 *   return builder -> builder.set(LakebaseSettings.APPLICATION_NAME, "orders-api");
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LakebaseConfigCustomizer {

  /** Changes settings on the builder; values set here win over properties and variables. */
  void customize(LakebaseConfig.Builder builder);
}
