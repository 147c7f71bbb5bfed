package dev.imagegateway.rest;

import dev.imagegateway.AccessLog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The last step of every HTTP door, whatever the reply: its request id ({@code x-request-id}, the caller's own when it
 * sent a sane one), and the CORS headers when the caller's origin is allowed.
 */
public class HttpReplyHeaders implements Processor {

    private final CorsPolicy cors;

    public HttpReplyHeaders(CorsPolicy cors) {
        this.cors = cors;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getProperty(AccessLog.REQUEST_ID, String.class);
        if (id != null) {
            exchange.getMessage().setHeader("x-request-id", id);
        }
        cors.allow(exchange);
    }
}
