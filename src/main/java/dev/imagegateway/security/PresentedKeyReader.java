package dev.imagegateway.security;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * For the HTTP doors other than the seed's: the key the client presented, from {@code Authorization: Bearer <key>}
 * (what OpenAI's SDKs send) or else {@code X-API-KEY}, into the property {@link ApiKeyFilter} checks.
 */
public class PresentedKeyReader implements Processor {

    private static final String BEARER = "bearer ";

    @Override
    public void process(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        String key = null;
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            key = authorization.substring(BEARER.length()).trim();
        }
        if (key == null || key.isEmpty()) {
            key = exchange.getMessage().getHeader("X-API-KEY", String.class);
        }
        exchange.setProperty(ApiKeyFilter.PRESENTED_KEY, key);
    }
}
