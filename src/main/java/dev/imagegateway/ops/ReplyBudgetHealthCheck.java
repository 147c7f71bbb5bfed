package dev.imagegateway.ops;

import java.util.Map;

import dev.imagegateway.provider.ReplyBudget;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Not ready while the memory budget for replies is nearly spent: a balancer sends the next calls elsewhere before this
 * instance has to refuse them.
 */
public class ReplyBudgetHealthCheck extends AbstractHealthCheck {

    private final ReplyBudget budget;
    private final double threshold;

    public ReplyBudgetHealthCheck(ReplyBudget budget, double threshold) {
        super("gateway", "memory-budget");
        this.budget = budget;
        this.threshold = threshold;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (budget.usedFraction() >= threshold) {
            builder.detail("reason", "replies in flight hold " + budget.usedBytes() + " of " + budget.totalBytes() + " bytes").down();
        } else {
            builder.up();
        }
    }
}
