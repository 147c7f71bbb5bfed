package dev.imagegateway.provider;

import java.io.IOException;
import java.io.InputStream;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a provider's answer off the connection, for every provider alike: into one array of its size (no stream
 * cache), never more than the most a reply may hold whatever the upstream announces, the memory reserved from the reply
 * budget first. What the answer means is each provider's reader's business; the upstream's headers (and our
 * credential) stop here.
 */
public class UpstreamReplyReader {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamReplyReader.class);
    private final dev.imagegateway.ops.GatewayMetrics metrics;
    private final long maxReplyBytes;
    private final ReplyBudget budget;

    /**
     * @param maxReplyBytes the largest reply read; one that announces or sends more is cut off, unread
     * @param budget        the memory a reply is read into is reserved from this first
     */
    public UpstreamReplyReader(dev.imagegateway.ops.GatewayMetrics metrics, long maxReplyBytes, ReplyBudget budget) {
        this.metrics = metrics;
        this.maxReplyBytes = Math.min(maxReplyBytes, Integer.MAX_VALUE - 16);
        this.budget = budget;
    }

    /** For tests and tools: no metrics, no budget to speak of. */
    public UpstreamReplyReader() {
        this(dev.imagegateway.ops.GatewayMetrics.NONE, 64L * 1024 * 1024, new ReplyBudget(Long.MAX_VALUE / 2, 0));
    }

    public UpstreamReply read(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String retryAfter = message.getHeader("Retry-After", String.class);
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, "", String.class);
        int semicolon = contentType.indexOf(';');
        contentType = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase(java.util.Locale.ROOT);
        long length = message.getHeader("Content-Length", -1L, Long.class);
        byte[] body;
        InputStream in = message.getBody(InputStream.class);
        try {
            if (length > maxReplyBytes) {
                throw tooLarge("announced " + length + " bytes");
            }
            body = in == null ? new byte[0] : readFully(exchange, in, length);
        } catch (ReplyBudget.Exhausted e) {
            // no room to read it: the connection goes, and the request is refused, uncounted by the breaker
            abort(in);
            message.removeHeaders("*");
            throw e;
        } catch (GatewayException e) {
            abort(in);
            throw e;
        } catch (InterruptedException e) {
            abort(in);
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorKind.CANCELLED, "Interrupted while waiting for memory to read the reply");
        } catch (IOException e) {
            abort(in);
            if (UpstreamDeadline.expired(exchange)) {
                throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream did not answer in time (the attempt's deadline passed)", null, e);
            }
            throw UpstreamDeadline.callerGoneOr(exchange, e);
        }
        if (in != null) {
            in.close();
        }
        message.removeHeaders("*");
        Long started = exchange.getProperty(UpstreamAttemptGuard.STARTED, Long.class);
        if (started != null) {
            metrics.upstreamCall(status, System.nanoTime() - started);
        }
        return new UpstreamReply(status, body, retryAfter, contentType);
    }

    private byte[] readFully(Exchange exchange, InputStream in, long length) throws IOException, InterruptedException {
        if (length < 0) {
            // no length announced: room for what the request is expected to bring (its images as raw pixels, in base64)
            return budget.readBounded(exchange, in, Math.min(maxReplyBytes, expectedReplyBytes(exchange)), maxReplyBytes, 1,
                    what -> tooLarge("sent " + what));
        }
        budget.reserve(exchange, length);
        byte[] body = new byte[(int) length];
        int read = 0;
        while (read < body.length) {
            int n = in.read(body, read, body.length - read);
            if (n < 0) {
                throw new java.io.EOFException("Upstream reply ended after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return body;
    }

    /** The largest reply the request can bring: its images as raw RGBA pixels, in base64, and the envelope. */
    static long expectedReplyBytes(Exchange exchange) {
        dev.imagegateway.pipeline.GenerationRequest request = exchange.getProperty(ProviderCall.REQUEST,
                dev.imagegateway.pipeline.GenerationRequest.class);
        int[] wh = request == null ? null : dev.imagegateway.models.SizeRules.parse(request.size());
        long pixels = wh == null ? 2048L * 2048 : (long) wh[0] * wh[1];
        int n = request == null ? 1 : request.count();
        return n * (pixels * 4 * 4 / 3) + 64 * 1024;
    }

    private GatewayException tooLarge(String what) {
        LOG.warn("Upstream reply cut off: it {}, more than UPSTREAM_MAX_REPLY_BYTES ({})", what, maxReplyBytes);
        return new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream reply too large: it " + what
                + ", more than the " + maxReplyBytes + " the gateway reads");
    }

    /**
     * Drops the connection instead of draining it: closing HttpClient's stream would read the rest of what the upstream
     * announced, which is what must not happen with a lying or stalled upstream.
     */
    private static void abort(InputStream in) {
        if (in instanceof org.apache.hc.core5.http.io.EofSensorInputStream sensor) {
            try {
                sensor.abort();
            } catch (IOException e) {
                // the connection is gone either way
            }
        } else if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // the same
            }
        }
    }
}
