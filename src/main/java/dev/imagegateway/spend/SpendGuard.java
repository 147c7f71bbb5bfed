package dev.imagegateway.spend;

import dev.imagegateway.AccessLog;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ServedModel;
import dev.imagegateway.provider.DeploymentPlanner;
import dev.imagegateway.security.ApiKeyFilter;
import dev.imagegateway.security.ApiKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Before any upstream call: the key may use the model it asked for (its allow-list, else 403 / PERMISSION_DENIED), and
 * the request's estimate fits what is left of the key's budgets (reserved atomically, else 429 insufficient_quota /
 * RESOURCE_EXHAUSTED). Leaves a {@link SpendTicket} for the ledger.
 */
public class SpendGuard implements Processor {

    private final Budgets budgets;
    private final DeploymentPlanner planner;

    public SpendGuard(Budgets budgets, DeploymentPlanner planner) {
        this.budgets = budgets;
        this.planner = planner;
    }

    @Override
    public void process(Exchange exchange) {
        GenerationRequest request = exchange.getMessage().getBody(GenerationRequest.class);
        ServedModel model = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        ApiKeys.Entry key = exchange.getProperty(ApiKeyFilter.KEY, ApiKeys.Entry.class);
        ApiKeys.Grants grants = key == null ? ApiKeys.Grants.OPERATOR : key.grants();
        String keyName = exchange.getProperty(ApiKeyFilter.KEY_NAME, request.door(), String.class);
        if (!grants.allows(model.requested())) {
            throw new GatewayException(ErrorKind.FORBIDDEN, "Key '" + keyName + "' may not use model '" + model.requested()
                    + "'; it may use " + String.join(", ", new java.util.TreeSet<>(grants.models())), null, null, 0, "model",
                    "model_not_allowed");
        }
        // the offline renderer costs nothing; otherwise the catalog prices what the named model's entry serves
        Pricing.Cost estimate = planner.offline() ? Pricing.Cost.FREE : Pricing.estimate(model.served(), request);
        SpendTicket ticket = new SpendTicket(keyName, exchange.getProperty(AccessLog.REQUEST_ID, exchange.getExchangeId(), String.class),
                request.door(), model.requested(), request, estimate, budgets.clock().instant());
        if (grants.hasBudget()) {
            if (!estimate.priced()) {
                throw new GatewayException(ErrorKind.FORBIDDEN, "Model '" + model.requested() + "' has no price in the "
                        + "model catalog, so key '" + keyName + "', which has a budget, may not use it", null, null, 0, "model",
                        "model_not_priced");
            }
            budgets.reserve(ticket, grants);
        }
        exchange.setProperty(SpendTicket.PROPERTY, ticket);
    }
}
