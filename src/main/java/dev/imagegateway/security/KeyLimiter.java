package dev.imagegateway.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Per-key limits: requests per minute (a token bucket that refills continuously) and calls in flight at once.
 * Over either, the call is refused as rate-limited (REST 429 with Retry-After, gRPC RESOURCE_EXHAUSTED); a
 * concurrency slot is given back when the exchange completes, however it ends.
 */
public class KeyLimiter {

    private final int defaultPerMinute;
    private final int defaultConcurrency;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
    private volatile RateCounter shared;

    /** Counts a key's requests per minute somewhere several gateways share; returns 0, or ms until there is room. */
    public interface RateCounter {
        /** What {@link #take} answers when it cannot count now: the gateway's own bucket counts instead. */
        long NOT_COUNTED = -1;

        long take(String key, int perMinute);
    }

    /** Counts a key's calls in flight somewhere several gateways share. */
    public interface SlotCounter {
        /** A slot taken: given back once the call is done. */
        interface Slot {
            void release();
        }

        /** What {@link #take} answers when the key has no slot free. */
        Slot FULL = () -> { };
        /** What it answers when it cannot count now: the gateway's own semaphore counts instead. */
        Slot NOT_COUNTED = () -> { };

        /** Takes one of the key's {@code limit} slots, or answers FULL or NOT_COUNTED. */
        Slot take(String key, int limit);
    }

    private volatile SlotCounter sharedSlots;

    /** Requests per minute counted by {@code counter} (the spend database) instead of in this process. */
    public void shareWith(RateCounter counter) {
        this.shared = counter;
    }

    /** Calls in flight counted by {@code counter} (the spend database) instead of in this process. */
    public void shareSlotsWith(SlotCounter counter) {
        this.sharedSlots = counter;
    }

    public KeyLimiter(int defaultPerMinute, int defaultConcurrency) {
        this.defaultPerMinute = defaultPerMinute;
        this.defaultConcurrency = defaultConcurrency;
    }

    public void acquire(ApiKeys.Entry key, Exchange exchange) {
        int perMinute = key.limits().perMinute() > 0 ? key.limits().perMinute() : defaultPerMinute;
        int concurrency = key.limits().concurrency() > 0 ? key.limits().concurrency() : defaultConcurrency;
        if (perMinute > 0) {
            RateCounter counter = shared;
            long waitMs = counter != null ? counter.take(key.name(), perMinute) : RateCounter.NOT_COUNTED;
            if (waitMs == RateCounter.NOT_COUNTED) {
                waitMs = buckets.computeIfAbsent(key.name(), n -> new Bucket()).take(perMinute);
            }
            if (waitMs > 0) {
                throw new GatewayException(ErrorKind.RATE_LIMITED, "Rate limit of " + perMinute + " requests per minute reached for key '"
                        + key.name() + "'", Math.max(1, (waitMs + 999) / 1000), null);
            }
        }
        if (concurrency > 0) {
            SlotCounter counter = sharedSlots;
            SlotCounter.Slot taken = counter != null ? counter.take(key.name(), concurrency) : SlotCounter.NOT_COUNTED;
            if (taken == SlotCounter.FULL) {
                throw new GatewayException(ErrorKind.RATE_LIMITED, "Concurrency limit of " + concurrency
                        + " calls reached for key '" + key.name() + "'", 1L, null);
            }
            if (taken != SlotCounter.NOT_COUNTED) {
                exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onDone(Exchange done) {
                        taken.release();
                    }
                });
                return;
            }
            Semaphore semaphore = slots.computeIfAbsent(key.name(), n -> new Semaphore(concurrency));
            if (!semaphore.tryAcquire()) {
                throw new GatewayException(ErrorKind.RATE_LIMITED, "Concurrency limit of " + concurrency
                        + " calls reached for key '" + key.name() + "'", 1L, null);
            }
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    semaphore.release();
                }
            });
        }
    }

    /** A token bucket of {@code perMinute} tokens, refilled continuously. */
    private static final class Bucket {
        private double tokens = -1;
        private long last = System.nanoTime();

        /** Takes a token; returns 0, or how many milliseconds until one is there. */
        synchronized long take(int perMinute) {
            long now = System.nanoTime();
            if (tokens < 0) {
                tokens = perMinute;
            }
            tokens = Math.min(perMinute, tokens + (now - last) / 60e9 * perMinute);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 60_000.0 / perMinute);
        }
    }
}
