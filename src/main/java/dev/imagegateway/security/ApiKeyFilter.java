package dev.imagegateway.security;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The one key check of every door. Each door puts the key its client presented (header, field or metadata) in
 * the exchange property {@value #PRESENTED_KEY}; this filter lets the exchange through only when it matches.
 */
public class ApiKeyFilter implements Processor {

    public static final String PRESENTED_KEY = "gatewayPresentedApiKey";

    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        String presented = exchange.getProperty(PRESENTED_KEY, String.class);
        // the key is not needed past this point: keep it out of everything downstream
        exchange.removeProperty(PRESENTED_KEY);
        if (!keys.matches(presented)) {
            throw new GatewayException(ErrorKind.UNAUTHENTICATED, "Invalid API key");
        }
    }
}
