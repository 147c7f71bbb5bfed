package dev.imagegateway.rest;

import java.util.List;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Cross-origin access to the API paths, off unless CORS_ORIGINS names origins ({@code *} for any). A preflight
 * {@code OPTIONS} from an allowed origin is answered 204 with what it may send; an actual request's origin is noted so
 * that {@link HttpReplyHeaders} allows its reply to be read. The web console's own page is never served cross-origin.
 */
public class CorsPolicy implements Processor {

    /** Exchange property: the request's Origin, when the policy allows it. */
    public static final String ALLOWED_ORIGIN = "gatewayAllowedOrigin";
    private static final String ALLOW_HEADERS = "Authorization, Content-Type, X-API-KEY, X-Request-Id";
    private static final String EXPOSE_HEADERS = "x-request-id, x-gateway-model, x-gateway-provider, x-gateway-deployment, x-should-retry, Retry-After";

    private final boolean any;
    private final Set<String> origins;

    /** @param origins comma-separated origins ({@code https://app.example.com}), {@code *}, or empty for none */
    public CorsPolicy(String origins) {
        List<String> list = origins == null ? List.of()
                : List.of(origins.split(",")).stream().map(String::trim).filter(o -> !o.isEmpty()).map(o -> o.replaceAll("/+$", "")).toList();
        this.any = list.contains("*");
        this.origins = Set.copyOf(list);
    }

    public boolean enabled() {
        return any || !origins.isEmpty();
    }

    @Override
    public void process(Exchange exchange) {
        String origin = exchange.getMessage().getHeader("Origin", String.class);
        if (!enabled() || origin == null || !(any || origins.contains(origin))) {
            return;
        }
        exchange.setProperty(ALLOWED_ORIGIN, origin);
        if ("OPTIONS".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            var message = exchange.getMessage();
            message.removeHeaders("*");
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
            message.setHeader("Access-Control-Allow-Origin", any ? "*" : origin);
            message.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            message.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
            message.setHeader("Access-Control-Max-Age", "600");
            message.setHeader("Vary", "Origin");
            message.setBody(null);
            exchange.setRouteStop(true);
        }
    }

    /** The headers an allowed origin's actual reply carries. */
    void allow(Exchange exchange) {
        String origin = exchange.getProperty(ALLOWED_ORIGIN, String.class);
        if (origin != null) {
            exchange.getMessage().setHeader("Access-Control-Allow-Origin", any ? "*" : origin);
            exchange.getMessage().setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
            exchange.getMessage().setHeader("Vary", "Origin");
        }
    }
}
