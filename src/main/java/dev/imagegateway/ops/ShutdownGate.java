package dev.imagegateway.ops;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Closes the HTTP doors that generate when the gateway shuts down: a call that arrives after SIGTERM is answered 503 in
 * the door's own error shape (with Retry-After, so a client or load balancer retries elsewhere), while calls already
 * in flight finish. The gRPC door has its own (GrpcDrain).
 */
public class ShutdownGate implements Processor {

    private volatile boolean closed;

    public void close() {
        closed = true;
    }

    @Override
    public void process(Exchange exchange) {
        if (closed) {
            throw new GatewayException(ErrorKind.OVERLOADED, "The gateway is shutting down; retry on another instance", 1L, null);
        }
    }
}
