package dev.imagegateway.error;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any throwable from any door or the pipeline into a {@link GatewayException} with a client-safe message.
 * The one place that decides how an unexpected failure is reported; the doors only render its result.
 */
public final class ErrorMapper {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    /** Maps the failure and logs what the client is not told (a transport failure, an unexpected error). */
    public static GatewayException map(Throwable failure) {
        return map(failure, true);
    }

    /** Maps the failure without logging it: for whoever reports a failure already handled elsewhere. */
    public static GatewayException classify(Throwable failure) {
        return map(failure, false);
    }

    private static GatewayException map(Throwable failure, boolean log) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GatewayException ge) {
                return ge;
            }
            GatewayException transport = mapTransport(t);
            if (transport != null) {
                if (log) {
                    LOG.warn("Upstream call failed: {} ({})", transport.getMessage(), t.getClass().getSimpleName());
                }
                return transport;
            }
        }
        if (log) {
            // a bug or an environment problem: keep the details in our log, tell the client nothing internal
            LOG.error("Unexpected failure while generating an image", failure);
        }
        return new GatewayException(ErrorKind.INTERNAL, "Internal error", null, failure);
    }

    private static GatewayException mapTransport(Throwable t) {
        if (t instanceof ConnectTimeoutException) {
            return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "Upstream connection timed out", null, t);
        }
        if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
            return new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream did not answer in time", null, t);
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "Upstream is unreachable", null, t);
        }
        if (t instanceof NoHttpResponseException || t instanceof SocketException) {
            return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "Upstream connection failed", null, t);
        }
        if (t instanceof IOException) {
            // e.g. a reply cut short mid-body: the only I/O in the pipeline's request path is the upstream call
            return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "Upstream connection failed", null, t);
        }
        return null;
    }
}
