package dev.imagegateway.rest;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * REST door: only POST generates. Checked in the route rather than by Vert.x so that the 405 carries the
 * JSON error body and the {@code Allow} header like every other error.
 */
public class RestMethodGuard implements Processor {

    @Override
    public void process(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if (!"POST".equals(method)) {
            throw new GatewayException(ErrorKind.METHOD_NOT_ALLOWED, "Method " + method + " not allowed; use POST");
        }
    }
}
