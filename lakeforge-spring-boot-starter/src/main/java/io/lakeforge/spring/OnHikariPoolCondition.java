package io.lakeforge.spring;

/** An endpoint is configured and {@code lakeforge.pool=hikari}. */
class OnHikariPoolCondition extends OnLakeforgePoolCondition {
  OnHikariPoolCondition() {
    super(LakeforgeProperties.Pool.HIKARI);
  }
}
