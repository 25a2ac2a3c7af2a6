package io.lakeforge.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** An endpoint is configured and {@code lakeforge.pool} is {@code lakeforge} (or unset). */
class OnLakeforgePoolCondition extends SpringBootCondition {

  private final LakeforgeProperties.Pool wanted;

  OnLakeforgePoolCondition() {
    this(LakeforgeProperties.Pool.LAKEFORGE);
  }

  OnLakeforgePoolCondition(LakeforgeProperties.Pool wanted) {
    this.wanted = wanted;
  }

  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context,
      AnnotatedTypeMetadata metadata) {
    if (!LakeforgeProperties.endpointConfigured(context.getEnvironment())) {
      return ConditionOutcome.noMatch("neither lakeforge.endpoint nor LAKEBASE_ENDPOINT is set");
    }
    LakeforgeProperties.Pool pool = LakeforgeProperties.pool(context.getEnvironment());
    return pool == wanted
        ? ConditionOutcome.match("endpoint set, " + LakeforgeProperties.POOL + "=" + pool)
        : ConditionOutcome.noMatch(LakeforgeProperties.POOL + "=" + pool);
  }
}
