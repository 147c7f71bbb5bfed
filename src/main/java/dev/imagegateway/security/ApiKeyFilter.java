package dev.imagegateway.security;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The one key check of every door. Each door puts the key its client presented (header, field or metadata) in
 * the exchange property {@value #PRESENTED_KEY}; this filter lets the exchange through only when it matches a key
 * in force and that key is within its limits, and leaves the key's name (never the key) in {@value #KEY_NAME}.
 */
public class ApiKeyFilter implements Processor {

    public static final String PRESENTED_KEY = "gatewayPresentedApiKey";
    public static final String KEY_NAME = "gatewayKeyName";

    private final KeyRing keys;
    private final KeyLimiter limiter;

    public ApiKeyFilter(KeyRing keys, KeyLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    /**
     * The same check without the key's limits: for reading what the key already generated (image files, the
     * gallery), which spends nothing upstream and must not use up the key's generation allowance.
     */
    public ApiKeyFilter withoutLimits() {
        return new ApiKeyFilter(keys, null);
    }

    public ApiKeyFilter(ApiKeys keys) {
        this(new KeyRing(keys, null), new KeyLimiter(0, 0));
    }

    @Override
    public void process(Exchange exchange) {
        String presented = exchange.getProperty(PRESENTED_KEY, String.class);
        // the key is not needed past this point: keep it out of everything downstream
        exchange.removeProperty(PRESENTED_KEY);
        ApiKeys.Entry key = keys.keys().match(presented)
                .orElseThrow(() -> new GatewayException(ErrorKind.UNAUTHENTICATED, "Invalid API key"));
        exchange.setProperty(KEY_NAME, key.name());
        if (limiter != null) {
            limiter.acquire(key, exchange);
        }
    }
}
