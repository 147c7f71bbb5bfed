package dev.imagegateway.rest;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * An HTTP door's accepted method. Checked in the route rather than by Vert.x so that the 405 carries the JSON error
 * body and the {@code Allow} header (from the exchange property {@value #ALLOW}) like every other error.
 */
public class RestMethodGuard implements Processor {

    public static final String ALLOW = "gatewayAllow";

    private final String allowed;

    public RestMethodGuard(String allowed) {
        this.allowed = allowed;
    }

    /** The REST door's guard: only POST generates. */
    public RestMethodGuard() {
        this("POST");
    }

    @Override
    public void process(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if (!allowed.equals(method)) {
            exchange.setProperty(ALLOW, allowed);
            throw new GatewayException(ErrorKind.METHOD_NOT_ALLOWED, "Method " + method + " not allowed; use " + allowed);
        }
    }

    /** The methods to name in the Allow header of a 405. */
    public static String allowed(Exchange exchange) {
        return exchange.getProperty(ALLOW, "POST", String.class);
    }
}
