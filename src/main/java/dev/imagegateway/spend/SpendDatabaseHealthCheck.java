package dev.imagegateway.spend;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: DOWN while the spend database does not answer (the probe every few seconds, or any statement, failed
 * last). Meanwhile keys with a budget are refused (503) and other calls are served, their ledger rows journalled.
 */
public class SpendDatabaseHealthCheck extends AbstractHealthCheck {

    private final SpendSql sql;
    private final String description;

    public SpendDatabaseHealthCheck(SpendSql sql, String description) {
        super("gateway", "spend-database");
        this.sql = sql;
        this.description = description;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String failure = sql.failure();
        if (failure != null) {
            builder.detail("reason", description + " does not answer (" + failure + ")").down();
        } else {
            builder.up();
        }
    }
}
