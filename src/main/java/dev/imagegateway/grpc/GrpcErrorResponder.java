package dev.imagegateway.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * gRPC door, a failure: the call ends with it (GrpcStatusInterceptor gives it the error contract's status and message),
 * and the failure stays on the exchange for the access log. The route answers its calls itself (camel-grpc's
 * routeControlledStreamObserver), so it also ends them; a streaming call that already sent events ends the same way.
 */
public class GrpcErrorResponder implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        StreamObserver<?> observer = exchange.getProperty(GrpcRequestReader.RESPONSE_OBSERVER, StreamObserver.class);
        if (observer != null) {
            try {
                observer.onError(Status.INTERNAL.withCause(failure).asRuntimeException());
            } catch (IllegalStateException alreadyClosed) {
                // the call was cancelled or has ended: nothing more to tell the client
            }
        }
        throw failure;
    }
}
