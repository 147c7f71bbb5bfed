package dev.imagegateway.grpc;

import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Graceful shutdown for the gRPC door. camel-grpc stops its server with {@code shutdownNow()}, which cancels calls
 * still being answered, and Camel's in-flight count drops just before a reply is written; so the gateway drains
 * itself first: once draining, new calls are refused UNAVAILABLE and shutdown waits until every call in flight has
 * been answered, its status delivered to the client (or the timeout passed).
 */
public class GrpcDrain implements ServerInterceptor {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getServiceName().startsWith("imagegeneration.")) {
            // health and reflection: a Watch stays open for good, and is no call to wait for
            return next.startCall(call, headers);
        }
        if (draining) {
            call.close(Status.UNAVAILABLE.withDescription("Gateway is shutting down"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        inFlight.incrementAndGet();
        // a call is done when its status has reached the client (onComplete) or it was cancelled, not when it is
        // closed: close() only queues the reply, and a shutdownNow() before the write would reset the stream
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable finished = () -> {
            if (done.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(call, headers);
        } catch (RuntimeException e) {
            finished.run();
            throw e;
        }
        return CallEnd.then(listener, finished);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Refuses new calls from now on, and waits up to {@code timeoutMs} for those in flight to be answered. */
    public boolean drain(long timeoutMs) throws InterruptedException {
        draining = true;
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return inFlight.get() == 0;
    }
}
