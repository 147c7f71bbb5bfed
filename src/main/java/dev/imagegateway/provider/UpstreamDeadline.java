package dev.imagegateway.provider;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Overall deadlines for the upstream: HttpClient's timeouts are per read, so an upstream that drips a byte every few
 * seconds would hold a call for ever. Each call gets a deadline (UPSTREAM_CALL_TIMEOUT_MS, or the gRPC client's own if
 * sooner) that also bounds its retries, and each attempt one of its own (UPSTREAM_ATTEMPT_TIMEOUT_MS, within the
 * call's). When an attempt's deadline passes, its HTTP request is cancelled, which closes the connection whatever it
 * was waiting for (headers or body), and the attempt fails as a timeout (504 / DEADLINE_EXCEEDED), not retried.
 * <p>
 * To reach the request of an exchange from another thread it sits in HttpClient's exec chain (as the
 * {@link HttpClientConfigurer} of the http components) and is their {@link HttpActivityListener}, which makes camel-http
 * put the exchange into each call's context.
 */
public class UpstreamDeadline implements HttpClientConfigurer, HttpActivityListener {

    /** Exchange property: the current {@link Attempt}. */
    public static final String ATTEMPT = "gatewayAttempt";
    private static final String TIMER = "gatewayAttemptTimer";
    /** Exchange property: the deadline the caller gave (a gRPC client's), before the gateway's own call timeout. */
    private static final String CALLER_DEADLINE = "gatewayCallerDeadline";
    /** Exchange property: set once the call's deadline is fixed; the attempt in flight, shared by every copy. */
    private static final String CALL_FIXED = "gatewayCallAttempt";
    private static final String EXCHANGE_ATTRIBUTE = Exchange.class.getName();

    private final long attemptTimeoutMs;
    private final long callTimeoutMs;
    private final java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
        Thread thread = new Thread(r, "upstream-deadline");
        thread.setDaemon(true);
        return thread;
    });

    public UpstreamDeadline(long attemptTimeoutMs, long callTimeoutMs) {
        this.attemptTimeoutMs = attemptTimeoutMs;
        this.callTimeoutMs = callTimeoutMs;
        // a disarmed deadline leaves the queue at once, with what it refers to
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Fixes the call's deadline (once; later calls keep it): the caller's own, or UPSTREAM_CALL_TIMEOUT_MS from now if
     * sooner. Called before the first attempt, on the exchange every attempt is copied from, so that failover copies
     * share one deadline; and from then on the attempt in flight is reachable from that exchange, for a caller that leaves.
     */
    public void fixCallDeadline(Exchange exchange) {
        if (exchange.getProperty(CALL_FIXED) != null) {
            return;
        }
        Long deadline = exchange.getProperty(UpstreamRetryPolicy.DEADLINE, Long.class);
        if (deadline != null) {
            exchange.setProperty(CALLER_DEADLINE, deadline);
        }
        long now = System.currentTimeMillis();
        exchange.setProperty(UpstreamRetryPolicy.DEADLINE, deadline == null ? now + callTimeoutMs : Math.min(deadline, now + callTimeoutMs));
        exchange.setProperty(CALL_FIXED, new AtomicReference<Attempt>());
    }

    /** Before an attempt: fixes the call's deadline on the first one, and arms this attempt's. */
    public void arm(Exchange exchange) {
        fixCallDeadline(exchange);
        long now = System.currentTimeMillis();
        Long deadline = exchange.getProperty(UpstreamRetryPolicy.DEADLINE, Long.class);
        long end = Math.min(now + attemptTimeoutMs, deadline == null ? Long.MAX_VALUE : deadline);
        Long callers = exchange.getProperty(CALLER_DEADLINE, Long.class);
        // one object, shared with the copies the circuit breaker makes of the exchange
        Attempt attempt = new Attempt(callers != null && end >= callers);
        exchange.setProperty(ATTEMPT, attempt);
        @SuppressWarnings("unchecked")
        AtomicReference<Attempt> current = exchange.getProperty(CALL_FIXED, AtomicReference.class);
        current.set(attempt);
        if (callerLeft(exchange)) {
            attempt.abandon(); // the caller left between the check before this attempt and now
        }
        exchange.setProperty(TIMER, timer.schedule(attempt::expire, Math.max(0, end - now), TimeUnit.MILLISECONDS));
    }

    /** One attempt: whether its deadline passed or its caller left, and its HTTP request once it is made. */
    public static final class Attempt {
        private final AtomicBoolean expired = new AtomicBoolean();
        private final AtomicBoolean abandoned = new AtomicBoolean();
        private final AtomicReference<Cancellable> request = new AtomicReference<>();
        /** This attempt ends when the caller's own deadline does: at its end the caller has gone, not the upstream failed. */
        private final boolean endsWithCaller;

        Attempt(boolean endsWithCaller) {
            this.endsWithCaller = endsWithCaller;
        }

        void expire() {
            if (endsWithCaller) {
                abandon();
                return;
            }
            expired.set(true);
            cancelRequest();
        }

        void abandon() {
            abandoned.set(true);
            cancelRequest();
        }

        private void cancelRequest() {
            Cancellable current = request.get();
            if (current != null) {
                current.cancel();
            }
        }

        void started(Cancellable call) {
            request.set(call);
            if (expired.get() || abandoned.get()) {
                call.cancel(); // the deadline passed, or the caller left, before the request went out
            }
        }

        boolean isExpired() {
            return expired.get();
        }
    }

    /** After the attempt, however it ended. */
    public void disarm(Exchange exchange) {
        ScheduledFuture<?> task = exchange.getProperty(TIMER, ScheduledFuture.class);
        if (task != null) {
            task.cancel(false);
        }
        exchange.removeProperty(TIMER);
    }

    /**
     * The caller is gone (a gRPC cancel or deadline, an HTTP client that closed its connection): no further attempt
     * starts, and the one in flight is cancelled if the upstream has not answered yet. An image that already arrived
     * is still saved (it was paid for); the request is recorded as cancelled either way.
     */
    public static void callerGone(Exchange exchange) {
        AtomicBoolean cancelled = exchange.getProperty(UpstreamRetryPolicy.CANCELLED, AtomicBoolean.class);
        if (cancelled != null) {
            cancelled.set(true);
        }
        @SuppressWarnings("unchecked")
        AtomicReference<Attempt> current = exchange.getProperty(CALL_FIXED, AtomicReference.class);
        Attempt attempt = current != null ? current.get() : exchange.getProperty(ATTEMPT, Attempt.class);
        if (attempt != null) {
            attempt.abandon();
        }
    }

    /** True when the caller of {@code exchange} went away before it was answered. */
    public static boolean callerLeft(Exchange exchange) {
        AtomicBoolean cancelled = exchange.getProperty(UpstreamRetryPolicy.CANCELLED, AtomicBoolean.class);
        return cancelled != null && cancelled.get();
    }

    /** A failed call: a timeout if the attempt's deadline cut it, cancelled if its caller left, else as it was. */
    public void rethrow(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        if (attempt != null && attempt.abandoned.get()) {
            throw new GatewayException(ErrorKind.CANCELLED, "The client went away; the upstream call was cancelled", null, failure);
        }
        if (expired(exchange)) {
            throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream did not answer in time (the attempt's deadline passed)",
                    null, failure);
        }
        throw failure;
    }

    /**
     * Stops a wait between calls of one attempt (a BFL poll) when it should end: the caller gone (CANCELLED), or the
     * attempt's or the call's deadline passed (504 / DEADLINE_EXCEEDED). Nothing is thrown while time is left.
     */
    public static void checkTimeLeft(Exchange exchange) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        if (callerLeft(exchange) || attempt != null && attempt.abandoned.get()) {
            throw new GatewayException(ErrorKind.CANCELLED, "The client went away; the upstream job is no longer waited for");
        }
        Long deadline = exchange.getProperty(UpstreamRetryPolicy.DEADLINE, Long.class);
        if (attempt != null && attempt.isExpired() || deadline != null && System.currentTimeMillis() >= deadline) {
            throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream did not finish the image in time (the deadline passed)");
        }
    }

    /** True when the attempt of {@code exchange} ran out of time. */
    public static boolean expired(Exchange exchange) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        return attempt != null && attempt.isExpired();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("gateway-deadline", (request, scope, chain) -> {
            Object exchange = scope.clientContext.getAttribute(EXCHANGE_ATTRIBUTE);
            if (exchange instanceof Exchange ex && scope.originalRequest instanceof Cancellable cancellable) {
                Attempt attempt = ex.getProperty(ATTEMPT, Attempt.class);
                if (attempt != null) {
                    attempt.started(cancellable);
                }
            }
            try {
                return chain.proceed(request, scope);
            } catch (IOException e) {
                throw exchange instanceof Exchange ex ? callerGoneOr(ex, e) : e;
            }
        });
    }

    /** A request cut because its caller left: an I/O failure that says nothing about the upstream. */
    public static final class CallerGone extends java.io.InterruptedIOException {
        CallerGone(IOException cause) {
            super("The caller went away; the upstream request was cancelled");
            initCause(cause);
        }
    }

    /** {@code failure} as a {@link CallerGone} when the attempt of {@code exchange} was abandoned by its caller. */
    public static IOException callerGoneOr(Exchange exchange, IOException failure) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        return attempt != null && attempt.abandoned.get() && !(failure instanceof CallerGone) ? new CallerGone(failure) : failure;
    }

    @Override
    public void onRequestSubmitted(Object source, Exchange exchange, HttpHost host, HttpRequest request, HttpEntity entity) {
        // only here so that camel-http hands each call's exchange to the exec chain above
    }

    @Override
    public void onResponseReceived(Object source, Exchange exchange, HttpHost host, HttpResponse response, HttpEntity entity, long elapsed) {
        // nothing to record
    }

    public void shutdown() {
        timer.shutdownNow();
    }
}
