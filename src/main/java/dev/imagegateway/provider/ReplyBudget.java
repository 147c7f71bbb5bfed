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
    /** Exchange property: what must finish, besides the request, before its reply's bytes are let go. */
    private static final String HOLDS = "gatewayReplyHolds";

    /**
     * The reply's bytes stay in use until {@code done} completes too (the socket has taken an HTTP reply that wraps
     * them; the images have been written by the wiretap), so its share is given back only then.
     */
    public static void holdUntil(Exchange exchange, java.util.concurrent.CompletableFuture<?> done) {
        @SuppressWarnings("unchecked")
        java.util.List<java.util.concurrent.CompletableFuture<?>> holds = exchange.getProperty(HOLDS, java.util.List.class);
        if (holds == null) {
            holds = new java.util.concurrent.CopyOnWriteArrayList<>();
            exchange.setProperty(HOLDS, holds);
        }
        holds.add(done);
    }
    private static final int UNIT = 1024;

    /**
     * G1 puts an array of half a region or more in whole regions of its own ("humongous"): a 2.04 MB reply in a heap of
     * 1 MB regions takes 3 MB. What a reply costs the heap is counted that way.
     */
    private static final long REGION = g1RegionBytes();

    private final Semaphore permits;
    private final int total;
    private final long maxWaitMs;
    private final AtomicLong refused = new AtomicLong();
    private volatile Runnable onRefused = () -> { };

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
                @SuppressWarnings("unchecked")
                java.util.List<java.util.concurrent.CompletableFuture<?>> holds = done.getProperty(HOLDS, java.util.List.class);
                if (holds == null || holds.isEmpty()) {
                    permits.release((int) held.units.getAndSet(0));
                } else {
                    java.util.concurrent.CompletableFuture.allOf(holds.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                            .whenComplete((ok, failed) -> permits.release((int) held.units.getAndSet(0)));
                }
            }
        });
    }

    /**
     * Reserves {@code bytes} more for the request's reply (at most the whole budget), waiting at most the configured
     * time; returns the bytes reserved.
     */
    public long reserve(Exchange exchange, long bytes) throws InterruptedException {
        Held held = exchange.getProperty(HELD, Held.class);
        int units = (int) Math.min(total, (heapCost(bytes) + UNIT - 1) / UNIT);
        if (held == null || units <= 0) {
            return 0;
        }
        // never past the call's own deadline (a gRPC client's, or the gateway's per-call one)
        Long deadline = exchange.getProperty(UpstreamRetryPolicy.DEADLINE, Long.class);
        long waitMs = deadline == null ? maxWaitMs : Math.max(0, Math.min(maxWaitMs, deadline - System.currentTimeMillis()));
        if (!permits.tryAcquire(units, waitMs, TimeUnit.MILLISECONDS)) {
            refused.incrementAndGet();
            onRefused.run();
            throw new Exhausted("The gateway is holding as many image replies as its memory allows; retry shortly");
        }
        held.units.addAndGet(units);
        return (long) units * UNIT;
    }

    /** Gives back part of what the request holds (a reply's temporary buffers, once it is in its array). */
    /**
     * Reads {@code in} whole when its length is not known, never more than {@code max} bytes ({@code tooLarge} past
     * it): room for twice {@code expected} is reserved before reading (the buffer, and the array it ends in), more as it
     * goes past that, and what is not needed after is given back but {@code keep} times the bytes read (1 for a reply,
     * 2 for an upload that is copied into an upstream request).
     */
    public byte[] readBounded(Exchange exchange, java.io.InputStream in, long expected, long max, int keep,
                              java.util.function.Function<String, RuntimeException> tooLarge) throws java.io.IOException, InterruptedException {
        final long chunk = 1024 * 1024;
        long reserved = reserve(exchange, 2 * Math.min(max, expected));
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream((int) Math.min(Math.min(max, expected), chunk * 8));
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (read.size() + n > max) {
                throw tooLarge.apply("more than " + max + " bytes");
            }
            if (2L * (read.size() + n) > reserved) {
                reserved += reserve(exchange, 2 * chunk);
            }
            read.write(buffer, 0, n);
        }
        byte[] body = read.toByteArray();
        release(exchange, reserved - (long) keep * body.length);
        return body;
    }

    void release(Exchange exchange, long bytes) {
        Held held = exchange.getProperty(HELD, Held.class);
        if (held == null) {
            return;
        }
        int units = (int) Math.min(held.units.get(), (bytes + UNIT - 1) / UNIT);
        held.units.addAndGet(-units);
        permits.release(units);
    }

    /** The heap an array of {@code bytes} takes: whole regions for a humongous one. */
    static long heapCost(long bytes) {
        if (REGION <= 0 || bytes < REGION / 2) {
            return bytes;
        }
        return (bytes + REGION - 1) / REGION * REGION;
    }

    private static long g1RegionBytes() {
        try {
            var diagnostics = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            boolean g1 = "true".equals(diagnostics.getVMOption("UseG1GC").getValue());
            return g1 ? Long.parseLong(diagnostics.getVMOption("G1HeapRegionSize").getValue()) : 0;
        } catch (RuntimeException e) {
            return 0;
        }
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

    /** Told of each refusal (the overload metric). */
    public void onRefused(Runnable listener) {
        this.onRefused = listener;
    }

    /** Replies refused because the budget stayed spent. */
    public long refused() {
        return refused.get();
    }
}
