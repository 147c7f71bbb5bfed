package dev.imagegateway;

import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.ops.GatewayMetrics;
import dev.imagegateway.ops.LogText;
import dev.imagegateway.security.ApiKeyFilter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request, written when the request ends however it ends: request id, door, key name,
 * size, status, latency, filename. Never a key; never the prompt unless {@code access-log.prompts=true}.
 * The first step of each door.
 */
public class AccessLog implements Processor {

    /** Exchange properties the pipeline fills in for this line. */
    public static final String SIZE = "gatewaySize";
    public static final String FILENAME = "gatewayFilename";
    public static final String PROMPT = "gatewayPrompt";
    /** The request's id: the caller's X-Request-Id (or gRPC x-request-id metadata) when sane, else one of ours. */
    public static final String REQUEST_ID = "gatewayRequestId";
    private static final java.util.regex.Pattern SANE_ID = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,128}");

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.access");

    private final String door;
    private volatile Boolean logPrompts;
    private volatile GatewayMetrics metrics;

    public AccessLog(String door, boolean logPrompts, GatewayMetrics metrics) {
        this.door = door;
        this.logPrompts = logPrompts;
        this.metrics = metrics;
    }

    /**
     * The access log of {@code door}, declared in its route file: the metrics and ACCESS_LOG_PROMPTS are taken from the
     * context on first use (the door's beans are made when its file is read, before the gateway's own are bound).
     */
    public AccessLog(String door) {
        this.door = door;
    }

    private void resolve(Exchange exchange) {
        if (metrics == null) {
            GatewayMetrics bound = exchange.getContext().getRegistry().lookupByNameAndType("gatewayMetrics", GatewayMetrics.class);
            metrics = bound != null ? bound : GatewayMetrics.NONE;
        }
        if (logPrompts == null) {
            logPrompts = Boolean.parseBoolean(exchange.getContext().getPropertiesComponent().resolveProperty("access-log.prompts")
                    .orElse("false").trim());
        }
    }

    /** The caller's id when it is 1 to 128 visible ASCII characters, else null. */
    public static String saneRequestId(String id) {
        return id != null && SANE_ID.matcher(id).matches() ? id : null;
    }

    @Override
    public void process(Exchange exchange) {
        resolve(exchange);
        long[] start = {System.nanoTime()};
        String callerId = door.equals("grpc") ? dev.imagegateway.grpc.GrpcStatusInterceptor.REQUEST_ID.get()
                : saneRequestId(exchange.getMessage().getHeader("X-Request-Id", String.class));
        String requestId = callerId != null ? callerId : exchange.getExchangeId();
        exchange.setProperty(REQUEST_ID, requestId);
        if (exchange.getMessage() instanceof org.apache.camel.component.platform.http.vertx.HttpMessage http) {
            // when the server had the request: the time since is what it waited for a worker to run this route
            Object arrived = http.removeHeader(dev.imagegateway.config.HttpServerGuards.ARRIVED_HEADER);
            if (arrived != null) {
                start[0] = Long.parseLong(arrived.toString());
                exchange.setProperty(dev.imagegateway.provider.UpstreamAttemptGuard.ARRIVED, start[0]);
            }
            // an HTTP client that closes its connection before its reply: the call is abandoned as a gRPC cancel is
            exchange.setProperty(dev.imagegateway.provider.UpstreamRetryPolicy.CANCELLED, new java.util.concurrent.atomic.AtomicBoolean());
            // the reply's bytes are the image's own (not copied): they, or the copy Netty writes from, stay in memory
            // until the socket has taken them
            java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
            dev.imagegateway.provider.ReplyBudget.holdUntil(exchange, written);
            // a kept-alive connection keeps its last response, and so its handlers, until its next request: the
            // handlers reach the exchange (and the image in it) through a reference cleared once the call is over
            java.util.concurrent.atomic.AtomicReference<Exchange> live = new java.util.concurrent.atomic.AtomicReference<>(exchange);
            io.vertx.core.http.HttpServerResponse response = http.getResponse();
            io.vertx.core.http.HttpConnection connection = http.getRequest().connection();
            response.bodyEndHandler(done -> dev.imagegateway.config.HttpServerGuards.whenSent(connection, () -> written.complete(null)));
            response.closeHandler(closed -> {
                written.complete(null);
                Exchange call = live.get();
                if (call != null) {
                    dev.imagegateway.provider.UpstreamDeadline.callerGone(call);
                }
            });
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    live.set(null);
                }
            });
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                long nanos = System.nanoTime() - start[0];
                String status = status(done);
                String key = value(done, ApiKeyFilter.KEY_NAME);
                metrics.request(door, key, status, nanos);
                // every value from outside is escaped: one request, one line, whatever a prompt or a name holds
                dev.imagegateway.pipeline.ServedModel served = done.getProperty(dev.imagegateway.pipeline.ServedModel.PROPERTY,
                        dev.imagegateway.pipeline.ServedModel.class);
                boolean answered = served != null && served.deployment() != null;
                LOG.info("request_id={} door={} key={} size={} status={} latency_ms={} model={} provider={} deployment={} filename={}{}",
                        LogText.token(requestId), door, LogText.token(key), LogText.token(value(done, SIZE)), status,
                        nanos / 1_000_000, served == null ? "-" : LogText.token(served.name()),
                        answered ? LogText.token(served.provider()) : "-", answered ? LogText.token(served.deployment()) : "-",
                        LogText.token(value(done, FILENAME)),
                        logPrompts ? " prompt=" + LogText.quoted(value(done, PROMPT)) : "");
            }
        });
    }

    private String status(Exchange done) {
        boolean grpcGone = door.equals("grpc") && (io.grpc.Context.current().isCancelled()
                || (io.grpc.Context.current().getDeadline() != null && io.grpc.Context.current().getDeadline().isExpired()));
        if ((grpcGone || dev.imagegateway.provider.UpstreamDeadline.callerLeft(done)) && !isAnswered(done)) {
            // whatever the pipeline did (an image that arrived is saved), the caller never got it
            return door.equals("grpc") ? "CANCELLED" : "499";
        }
        Throwable failure = done.getException();
        if (failure != null) {
            var kind = ErrorMapper.classify(failure).kind();
            return door.equals("grpc") ? kind.grpcCode().name() : Integer.toString(kind.httpStatus());
        }
        Integer http = done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return door.equals("grpc") ? "OK" : Integer.toString(http == null ? 200 : http);
    }

    /** gRPC: answered when its context was not cancelled before the route ended; HTTP: when the response was written. */
    private boolean isAnswered(Exchange done) {
        if (done.getMessage() instanceof org.apache.camel.component.platform.http.vertx.HttpMessage http) {
            return http.getResponse().ended() && !http.getResponse().closed();
        }
        return false;
    }

    private static String value(Exchange exchange, String property) {
        String value = exchange.getProperty(property, String.class);
        return value == null || value.isEmpty() ? "-" : value;
    }
}
