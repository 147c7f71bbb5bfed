package dev.imagegateway.spend;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.ops.GatewayMetrics;
import dev.imagegateway.ops.LogText;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ServedModel;
import dev.imagegateway.provider.DeploymentPlanner;
import dev.imagegateway.security.ApiKeyFilter;
import dev.imagegateway.security.ApiKeys;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the call, before the answer goes out: the request's row in the ledger (what it was, who served it, what it
 * cost), its budget reservation turned into the actual cost, and the spend metric. A row the database does not take
 * goes to the journal (LedgerJournal) and is written from there when it is back: a served request is never unbilled.
 * A request that failed after reaching a provider gets a row too (cost 0, outcome its error kind).
 */
public class SpendLedger {

    private static final Logger LOG = LoggerFactory.getLogger(SpendLedger.class);

    private final SpendSql sql;
    private final Budgets budgets;
    private final LedgerJournal journal;
    private final GatewayMetrics metrics;
    private final LedgerWriteAhead writeAhead;
    private final SpendDatabase database;

    /**
     * @param writeAhead for the embedded database: each row also appended to a file until H2 has it on disk; null
     *                   for PostgreSQL (its commits are durable)
     */
    public SpendLedger(SpendSql sql, Budgets budgets, LedgerJournal journal, GatewayMetrics metrics,
                       LedgerWriteAhead writeAhead, SpendDatabase database) {
        this.sql = sql;
        this.budgets = budgets;
        this.journal = journal;
        this.metrics = metrics;
        this.writeAhead = writeAhead;
        this.database = database;
    }

    /** A served request: its actual cost, recorded and settled. */
    public void served(Exchange exchange) {
        SpendTicket ticket = exchange.getProperty(SpendTicket.PROPERTY, SpendTicket.class);
        GeneratedImages images = exchange.getMessage().getBody(GeneratedImages.class);
        ServedModel served = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        if (ticket == null || images == null || served == null) {
            return;
        }
        Pricing.Cost cost;
        try {
            cost = Pricing.actual(served.served(), served.provider(), asServed(exchange, ticket), images);
        } catch (RuntimeException e) {
            // the call was served (and paid): what the reply holds could not be priced, so it is billed its estimate
            LOG.warn("Request {} billed its estimate: its reply could not be priced ({})", LogText.token(ticket.requestId()),
                    e.getClass().getSimpleName());
            Pricing.Cost estimate = ticket.estimate();
            cost = new Pricing.Cost(estimate.amount(), "estimate", null, null, estimate.quality(), estimate.size());
        }
        if (!cost.priced()) {
            LOG.debug("Model '{}' has no price in the catalog: its requests are recorded at $0", LogText.token(served.name()));
        }
        record(ticket, served, images.size(), cost, "ok");
        budgets.settle(ticket, cost.amount(), grants(exchange));
        // a name the catalog does not list is the client's choice: one label for all, as the other metrics do
        metrics.spend(ticket.keyName(), served.served().inCatalog() ? served.name() : "passthrough", served.provider(), cost.amount());
    }

    /**
     * A request that failed: a row when it reached a provider, its reservation released; then the failure goes on.
     */
    public void failed(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SpendTicket ticket = exchange.getProperty(SpendTicket.PROPERTY, SpendTicket.class);
        if (ticket != null) {
            try {
                DeploymentPlanner.Plan plan = exchange.getProperty(DeploymentPlanner.PLAN, DeploymentPlanner.Plan.class);
                ServedModel served = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
                if (plan != null && plan.attempts() > 0 && served != null) {
                    // classify, not map: the door maps (and logs) the failure itself
                    GatewayException error = ErrorMapper.classify(failure);
                    record(ticket, served, 0, new Pricing.Cost(BigDecimal.ZERO.setScale(6), "none", null, null,
                            ticket.request().quality(), ticket.request().size()), error.kind().name().toLowerCase(java.util.Locale.ROOT));
                }
            } finally {
                budgets.settle(ticket, BigDecimal.ZERO, grants(exchange));
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void record(SpendTicket ticket, ServedModel served, int images, Pricing.Cost cost, String outcome) {
        Map<String, Object> row = new LinkedHashMap<>();
        GenerationRequest request = ticket.request();
        row.put("entry_id", ticket.entryId());
        String requestId = ticket.requestId();
        row.put("request_id", requestId.length() > 200 ? requestId.substring(0, 200) : requestId);
        row.put("created_at", LocalDateTime.ofInstant(ticket.started(), ZoneOffset.UTC));
        row.put("key_name", ticket.keyName());
        row.put("door", ticket.door());
        row.put("requested_model", ticket.requestedModel());
        row.put("model", served.name());
        row.put("provider", served.deployment() == null ? null : served.provider());
        row.put("deployment", served.deployment());
        row.put("n", request.count());
        row.put("images", images);
        row.put("size", cost.size() != null ? cost.size() : request.size());
        row.put("quality", cost.quality() != null ? cost.quality() : request.quality());
        row.put("input_tokens", cost.inputTokens());
        row.put("output_tokens", cost.outputTokens());
        row.put("estimate_usd", ticket.estimate().usd());
        row.put("cost_usd", cost.amount());
        row.put("billing", cost.billing());
        row.put("outcome", outcome);
        row.put("latency_ms", ticket.elapsedMillis());
        if (ticket.addsToEntry()) {
            addTo(row);
        } else {
            write(row);
        }
    }

    /**
     * A later attempt at work whose row an earlier attempt may have written: its cost joins that row. When the row is not
     * there (the earlier attempt wrote none, or its row waits in a journal) or the database is away, a row of its own:
     * a journal's replay inserts and never adds, so the work's own key is left to the earlier attempt's row.
     */
    private void addTo(Map<String, Object> row) {
        if (sql.failure() == null) {
            try {
                if (sql.update("ledger-add", row) > 0) {
                    return;
                }
            } catch (SpendSql.SpendStoreException e) {
                // below
            }
        }
        row.put("entry_id", row.get("entry_id") + ":" + java.util.UUID.randomUUID().toString().substring(0, 8));
        write(row);
    }

    /** Into the database, or the journal when the database does not take it. */
    void write(Map<String, Object> row) {
        if (sql.failure() != null) {
            // known to be away (the probe): no connection wait on the way to the answer
            journal.append(row);
            return;
        }
        try {
            sql.update("ledger-insert", row);
            if (writeAhead != null) {
                writeAhead.append(row);
            }
        } catch (SpendSql.SpendStoreException e) {
            LOG.warn("Ledger row of request {} kept in the journal until the database takes it: {}",
                    LogText.token(String.valueOf(row.get("request_id"))), e.getMessage());
            journal.append(row);
        }
    }

    /**
     * Every few seconds: is the database there (readiness follows)? When it comes back, the rows its outage left in
     * the journal go in at once.
     */
    public void probe() {
        boolean wasDown = sql.failure() != null;
        if (sql.probe() && wasDown) {
            LOG.info("The spend database answers again");
            replayJournal();
        }
    }

    /** The journal's rows into the database (at start, then every minute): those it takes leave the journal. */
    public void replayJournal() {
        journal.replay(row -> sql.update("ledger-insert", row));
        if (writeAhead != null) {
            try {
                writeAhead.checkpoint(database::checkpoint);
            } catch (RuntimeException e) {
                // the write-ahead file stays, and is set aside again next minute
                LOG.warn("Ledger checkpoint failed: {}", e.getMessage());
            }
        }
    }

    /** The request as it went to the model that served it (a fallback's mapped size and quality). */
    private static GenerationRequest asServed(Exchange exchange, SpendTicket ticket) {
        DeploymentPlanner.Plan plan = exchange.getProperty(DeploymentPlanner.PLAN, DeploymentPlanner.Plan.class);
        return plan != null && plan.current() != null ? plan.current().request() : ticket.request();
    }

    private static ApiKeys.Grants grants(Exchange exchange) {
        ApiKeys.Entry key = exchange.getProperty(ApiKeyFilter.KEY, ApiKeys.Entry.class);
        return key == null ? null : key.grants();
    }
}
