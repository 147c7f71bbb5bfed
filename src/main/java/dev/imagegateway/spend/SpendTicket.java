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
    /**
     * Exchange property a door sets when one piece of work may reach a provider more than once (a batch line taken over
     * from an instance that stopped): its {@link LedgerEntry} names the work's one ledger row.
     */
    public static final String LEDGER_ENTRY = "gatewayLedgerEntry";

    /** A ledger row named by the door; {@code again}: a later attempt, whose cost joins the row an earlier one wrote. */
    public record LedgerEntry(String id, boolean again) {
    }

    /** The ledger row's own key (the request id may be the caller's, sent twice). */
    private String entryId = java.util.UUID.randomUUID().toString();
    /** The ticket's own id, for its budget holds (the entry id may be the door's, shared by attempts). */
    private final String ticketId = java.util.UUID.randomUUID().toString();
    private boolean addsToEntry;

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

    public String ticketId() {
        return ticketId;
    }

    public String entryId() {
        return entryId;
    }

    /** The row the door named for this work, instead of one of the ticket's own. */
    public SpendTicket inEntry(LedgerEntry entry) {
        if (entry != null) {
            entryId = entry.id();
            addsToEntry = entry.again();
        }
        return this;
    }

    /** True when an earlier attempt at the same work may have written the row: this one's cost is added to it. */
    public boolean addsToEntry() {
        return addsToEntry;
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
