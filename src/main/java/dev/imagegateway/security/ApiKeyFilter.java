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
    /** The matched key's entry (its name, limits, budgets and allow-list; never the key). */
    public static final String KEY = "gatewayKey";

    private final KeyRing keys;
    private final KeyLimiter limiter;
    private final FailedAuthThrottle throttle;

    public ApiKeyFilter(KeyRing keys, KeyLimiter limiter, FailedAuthThrottle throttle) {
        this.keys = keys;
        this.limiter = limiter;
        this.throttle = throttle;
    }

    /**
     * The same check without the key's limits: for reading what the key already generated (image files, the
     * gallery), which spends nothing upstream and must not use up the key's generation allowance.
     */
    public ApiKeyFilter withoutLimits() {
        return new ApiKeyFilter(keys, null, throttle);
    }

    public ApiKeyFilter(ApiKeys keys) {
        this(new KeyRing(keys, null), new KeyLimiter(0, 0), new FailedAuthThrottle(0, 1, dev.imagegateway.ops.GatewayMetrics.NONE));
    }

    @Override
    public void process(Exchange exchange) {
        String presented = exchange.getProperty(PRESENTED_KEY, String.class);
        // the key is not needed past this point: keep it out of everything downstream
        exchange.removeProperty(PRESENTED_KEY);
        String address = clientAddress(exchange);
        throttle.check(address);
        ApiKeys.Entry key = keys.keys().match(presented).orElse(null);
        if (key == null) {
            throttle.failed(address);
            throw new GatewayException(ErrorKind.UNAUTHENTICATED, "Invalid API key");
        }
        exchange.setProperty(KEY_NAME, key.name());
        exchange.setProperty(KEY, key);
        if (limiter != null) {
            limiter.acquire(key, exchange);
        }
    }

    /** The client's IP address: set by the gRPC door, or the HTTP server's remote address. */
    static String clientAddress(Exchange exchange) {
        String address = exchange.getProperty(FailedAuthThrottle.CLIENT_ADDRESS, String.class);
        if (address != null) {
            return address;
        }
        Object remote = exchange.getMessage().getHeader(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants.REMOTE_ADDRESS);
        return remote instanceof io.vertx.core.net.SocketAddress socket ? socket.hostAddress() : null;
    }
}
