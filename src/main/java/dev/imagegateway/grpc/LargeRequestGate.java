package dev.imagegateway.grpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Bounds the memory of requests in transit: grpc-java holds a request message whole before the service sees it, and an
 * edit's message carries its images (up to GRPC_MAX_REQUEST_BYTES). A call's message is only read once the call holds
 * one of {@code permits}; a call waiting for one has asked for nothing, so grpc-java reads no more of it than its
 * flow-control window. A permit is given back when the message has arrived (or the call ends), and a call that does not
 * finish sending within {@code timeoutSeconds} of getting one is cancelled (a slow sender holding a permit). Small
 * messages (a prompt) pass through the gate at once when permits are free.
 */
public class LargeRequestGate implements ServerInterceptor {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "grpc-request-gate");
        thread.setDaemon(true);
        return thread;
    });

    private final long timeoutSeconds;
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private int free;

    public LargeRequestGate(int permits, long timeoutSeconds) {
        this.free = Math.max(1, permits);
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getServiceName().startsWith("imagegeneration.")) {
            return next.startCall(call, headers);
        }
        Ticket ticket = new Ticket(call);
        ServerCall<Q, R> gated = new SimpleForwardingServerCall<>(call) {
            @Override
            public void request(int numMessages) {
                ticket.request(() -> super.request(numMessages));
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(gated, headers)) {
            @Override
            public void onMessage(Q message) {
                ticket.release();
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                ticket.release();
                super.onHalfClose();
            }

            @Override
            public void onCancel() {
                ticket.release();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                ticket.release();
                super.onComplete();
            }
        };
    }

    /** One call's turn: asked for with its first request, given back once. */
    private final class Ticket {
        private final ServerCall<?, ?> call;
        private final AtomicBoolean held = new AtomicBoolean();
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile ScheduledFuture<?> timeout;

        Ticket(ServerCall<?, ?> call) {
            this.call = call;
        }

        void request(Runnable read) {
            if (held.get() || done.get()) {
                read.run(); // its message is under way (or the call is over): nothing more to hold back
                return;
            }
            Runnable granted = () -> {
                if (done.get()) {
                    giveBack();
                    return;
                }
                held.set(true);
                timeout = TIMER.schedule(() -> call.close(Status.DEADLINE_EXCEEDED.withDescription(
                        "The request was not received within " + timeoutSeconds + " s"), new Metadata()), timeoutSeconds, TimeUnit.SECONDS);
                read.run();
            };
            boolean now;
            synchronized (LargeRequestGate.this) {
                now = free > 0;
                if (now) {
                    free--;
                } else {
                    waiting.add(granted);
                }
            }
            if (now) {
                granted.run();
            }
        }

        void release() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            ScheduledFuture<?> task = timeout;
            if (task != null) {
                task.cancel(false);
            }
            if (held.get()) {
                giveBack();
            }
        }
    }

    private void giveBack() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                free++;
            }
        }
        if (next != null) {
            next.run();
        }
    }
}
