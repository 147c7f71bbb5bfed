package dev.imagegateway.spend;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.imagegateway.pipeline.GenerationRequest;

/**
 * One request's spend, from the estimate before the call to the ledger row after it: which key, what was reserved
 * against which budget windows, and whether it has been settled (once, however the request ends). Shared by the copies
 * of the exchange that failover makes, so it is one object, not exchange properties.
 */
public final class SpendTicket {

    /** Exchange property holding the ticket. */
    public static final String PROPERTY = "gatewaySpendTicket";

    private final String keyName;
    private final String requestId;
    private final String door;
    private final String requestedModel;
    private final GenerationRequest request;
    private final Pricing.Cost estimate;
    private final Instant started;
    private final long startedNanos;
    private final List<BudgetWindow> reserved = new CopyOnWriteArrayList<>();
    private final AtomicBoolean settled = new AtomicBoolean();
    /** The ledger row's own key (the request id may be the caller's, sent twice). */
    private final String entryId = java.util.UUID.randomUUID().toString();

    public SpendTicket(String keyName, String requestId, String door, String requestedModel, GenerationRequest request,
                       Pricing.Cost estimate, Instant started) {
        this.keyName = keyName;
        this.requestId = requestId;
        this.door = door;
        this.requestedModel = requestedModel;
        this.request = request;
        this.estimate = estimate;
        this.started = started;
        this.startedNanos = System.nanoTime();
    }

    public String keyName() {
        return keyName;
    }

    public String requestId() {
        return requestId;
    }

    public String entryId() {
        return entryId;
    }

    public String door() {
        return door;
    }

    public String requestedModel() {
        return requestedModel;
    }

    public GenerationRequest request() {
        return request;
    }

    public Pricing.Cost estimate() {
        return estimate;
    }

    public Instant started() {
        return started;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    void reserved(BudgetWindow window) {
        reserved.add(window);
    }

    List<BudgetWindow> reservations() {
        return reserved;
    }

    /** True the first time only: a ticket is settled once. */
    boolean settle() {
        return settled.compareAndSet(false, true);
    }
}
