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
    private final dev.imagegateway.models.ModelCatalogSource catalogs;

    public SpendGuard(Budgets budgets, DeploymentPlanner planner, dev.imagegateway.models.ModelCatalogSource catalogs) {
        this.budgets = budgets;
        this.planner = planner;
        this.catalogs = catalogs;
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
        Pricing.Cost estimate = planner.offline() ? Pricing.Cost.FREE : dearest(model, request);
        SpendTicket ticket = new SpendTicket(keyName, exchange.getProperty(AccessLog.REQUEST_ID, exchange.getExchangeId(), String.class),
                request.door(), model.requested(), request, estimate, budgets.clock().instant())
                .inEntry(exchange.getProperty(SpendTicket.LEDGER_ENTRY, SpendTicket.LedgerEntry.class));
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

    /**
     * The estimate on the model that serves the request, or on one of its fallbacks (and theirs) when that would cost
     * more: failover may serve any of them, and the reservation must cover what it may cost.
     */
    private Pricing.Cost dearest(ServedModel model, GenerationRequest request) {
        Pricing.Cost dearest = Pricing.estimate(model.served(), request);
        if (!dearest.priced()) {
            return dearest;
        }
        dev.imagegateway.models.ModelCatalog catalog = catalogs.catalog();
        java.util.Deque<String> next = new java.util.ArrayDeque<>(model.served().fallbacks());
        java.util.Set<String> seen = new java.util.HashSet<>(java.util.List.of(model.served().name()));
        while (!next.isEmpty() && seen.size() < 16) {
            dev.imagegateway.models.ModelEntry entry = catalog.find(next.poll());
            if (entry == null || !seen.add(entry.name())) {
                continue;
            }
            next.addAll(entry.fallbacks());
            GenerationRequest mapped = dev.imagegateway.pipeline.RequestValidator.mapTo(request, model.served(), entry);
            Pricing.Cost cost = mapped == null ? null : Pricing.estimate(entry, mapped);
            if (cost != null && cost.priced() && cost.usd().compareTo(dearest.usd()) > 0) {
                dearest = cost;
            }
        }
        return dearest;
    }
}
