package dev.imagegateway.provider;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Memory bounded by design: the upstream replies held at once (each is an image's base64 text, read whole and kept
 * until its request ends) are a budget of bytes, sized from the heap. The bytes a reply needs are reserved before it
 * is read; while the budget is spent a reply waits, at most {@code maxWaitMs}, then its request is answered 503 with
 * Retry-After (gRPC UNAVAILABLE) instead of the heap running out. A request gives its bytes back when it ends.
 */
public class ReplyBudget {

    /** Exchange property: what the request holds of the budget. */
    static final String HELD = "gatewayReplyBudgetHeld";
    private static final int UNIT = 1024;

    private final Semaphore permits;
    private final int total;
    private final long maxWaitMs;
    private final AtomicLong refused = new AtomicLong();

    public ReplyBudget(long bytes, long maxWaitMs) {
        this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
        this.permits = new Semaphore(total, true);
        this.maxWaitMs = maxWaitMs;
    }

    /** Raised when the budget stays spent: the gateway's own limit, which must not count as the upstream failing. */
    public static class Exhausted extends GatewayException {
        Exhausted(String message) {
            super(ErrorKind.OVERLOADED, message, 1L, null);
        }
    }

    /** What one request holds, given back once when it ends. */
    static final class Held {
        private final AtomicLong units = new AtomicLong();
    }

    /** At the first attempt of a request: its share, given back when the request ends. */
    void open(Exchange exchange) {
        if (exchange.getProperty(HELD) != null) {
            return;
        }
        Held held = new Held();
        exchange.setProperty(HELD, held);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                permits.release((int) held.units.getAndSet(0));
            }
        });
    }

    /**
     * Reserves {@code bytes} more for the request's reply (at most the whole budget), waiting at most the configured
     * time; returns the bytes reserved.
     */
    long reserve(Exchange exchange, long bytes) throws InterruptedException {
        Held held = exchange.getProperty(HELD, Held.class);
        int units = (int) Math.min(total, (bytes + UNIT - 1) / UNIT);
        if (held == null || units <= 0) {
            return 0;
        }
        if (!permits.tryAcquire(units, maxWaitMs, TimeUnit.MILLISECONDS)) {
            refused.incrementAndGet();
            throw new Exhausted("The gateway is holding as many image replies as its memory allows; retry shortly");
        }
        held.units.addAndGet(units);
        return (long) units * UNIT;
    }

    /** Gives back part of what the request holds (a reply's temporary buffers, once it is in its array). */
    void release(Exchange exchange, long bytes) {
        Held held = exchange.getProperty(HELD, Held.class);
        if (held == null) {
            return;
        }
        int units = (int) Math.min(held.units.get(), (bytes + UNIT - 1) / UNIT);
        held.units.addAndGet(-units);
        permits.release(units);
    }

    public long totalBytes() {
        return (long) total * UNIT;
    }

    public long usedBytes() {
        return (long) (total - permits.availablePermits()) * UNIT;
    }

    public double usedFraction() {
        return (double) (total - permits.availablePermits()) / total;
    }

    /** Replies refused because the budget stayed spent. */
    public long refused() {
        return refused.get();
    }
}
