package dev.imagegateway.security;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.ops.GatewayMetrics;

/**
 * Slows key guessing: each client address has a token bucket of failed key checks ({@code burst} at once, refilled at
 * {@code perMinute}). While an address has none left, every key check from it is answered 429 with Retry-After before
 * the key is looked at, so the answer never tells whether a key exists. Memory is bounded: at most {@code maxAddresses}
 * buckets, those back to full dropped first.
 */
public class FailedAuthThrottle {

    /** Exchange property: the client's address, set by the door (gRPC) or read from the HTTP server. */
    public static final String CLIENT_ADDRESS = "gatewayClientAddress";

    private static final int MAX_ADDRESSES = 100_000;

    private final double perMs;
    private final int burst;
    private final GatewayMetrics metrics;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perMinute failed checks an address may make per minute once its burst is spent; 0 turns the throttle off */
    public FailedAuthThrottle(int perMinute, int burst, GatewayMetrics metrics) {
        this.perMs = perMinute / 60_000.0;
        this.burst = Math.max(1, burst);
        this.metrics = metrics;
    }

    private final class Bucket {
        private double tokens = burst;
        private long updated = System.currentTimeMillis();

        /** Tokens now, refilled for the time since the last look. */
        synchronized double refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * perMs);
            updated = now;
            return tokens;
        }

        synchronized void take(long now) {
            refill(now);
            tokens = Math.max(0, tokens - 1);
        }
    }

    private boolean enabled() {
        return perMs > 0;
    }

    /** Before a key check: refuses it while the address has no failed checks left. */
    public void check(String address) {
        if (!enabled() || address == null) {
            return;
        }
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            return;
        }
        double tokens = bucket.refill(System.currentTimeMillis());
        if (tokens < 1) {
            metrics.authThrottled();
            long seconds = Math.max(1, (long) Math.ceil((1 - tokens) / perMs / 1000));
            throw new GatewayException(ErrorKind.RATE_LIMITED, "Too many failed key checks from this address; retry after "
                    + seconds + " s", seconds, null);
        }
    }

    /** After a key check failed. */
    public void failed(String address) {
        metrics.authFailed();
        if (!enabled() || address == null) {
            return;
        }
        if (buckets.size() >= MAX_ADDRESSES) {
            prune();
        }
        buckets.computeIfAbsent(address, a -> new Bucket()).take(System.currentTimeMillis());
    }

    /** Drops the buckets that are full again (their addresses have nothing against them any more). */
    private void prune() {
        long now = System.currentTimeMillis();
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (it.next().refill(now) >= burst) {
                it.remove();
            }
        }
        if (buckets.size() >= MAX_ADDRESSES) {
            buckets.clear(); // a flood of addresses: start over rather than grow
        }
    }
}
