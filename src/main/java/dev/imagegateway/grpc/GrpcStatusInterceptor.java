package dev.imagegateway.grpc;

import dev.imagegateway.pipeline.ServedModel;

import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.error.GatewayException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The gRPC side of the error contract. camel-grpc answers every failed exchange with INTERNAL and the exception
 * attached as the status cause; this interceptor replaces that status with the precise one from
 * {@link ErrorMapper}, with a client-safe description. It also exposes the {@code x-api-key} call metadata to the
 * route through the gRPC {@link Context} (the route runs synchronously on the call's thread).
 */
public class GrpcStatusInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> X_API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    public static final Context.Key<String> METADATA_API_KEY = Context.key("gateway-x-api-key");
    /** The call's request id: the caller's x-request-id metadata when sane, else a new one; sent back in the reply. */
    public static final Context.Key<String> REQUEST_ID = Context.key("gateway-request-id");
    public static final Metadata.Key<String> X_REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    /** Completed once the call is over, its reply sent (or it was cancelled): until then its image's bytes are in use. */
    public static final Context.Key<java.util.concurrent.CompletableFuture<Void>> CALL_DONE = Context.key("gateway-call-done");
    /** The caller's IP address, for the failed-key throttle. */
    public static final Context.Key<String> CLIENT_ADDRESS = Context.key("gateway-client-address");
    public static final Metadata.Key<String> X_GATEWAY_MODEL = Metadata.Key.of("x-gateway-model", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> X_GATEWAY_PROVIDER = Metadata.Key.of(ServedModel.PROVIDER_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> X_GATEWAY_DEPLOYMENT = Metadata.Key.of(ServedModel.DEPLOYMENT_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    /** Per call: who served it, set by the route (on the call's thread), sent with the response headers. */
    private static final Context.Key<java.util.concurrent.atomic.AtomicReference<ServedModel>> SERVED_MODEL = Context.key("gateway-served-model");

    /** Records, for the call on this thread, the model, provider and deployment that served it. */
    public static void servedModel(ServedModel model) {
        java.util.concurrent.atomic.AtomicReference<ServedModel> holder = SERVED_MODEL.get();
        if (holder != null) {
            holder.set(model);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        java.util.concurrent.atomic.AtomicReference<ServedModel> servedModel = new java.util.concurrent.atomic.AtomicReference<>();
        String callerId = dev.imagegateway.AccessLog.saneRequestId(headers.get(X_REQUEST_ID));
        String requestId = callerId != null ? callerId : java.util.UUID.randomUUID().toString();
        ServerCall<Q, R> mapped = new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(X_REQUEST_ID, requestId);
                ServedModel model = servedModel.get();
                if (model != null) {
                    responseHeaders.put(X_GATEWAY_MODEL, model.name());
                    if (model.deployment() != null) {
                        responseHeaders.put(X_GATEWAY_PROVIDER, model.provider());
                        responseHeaders.put(X_GATEWAY_DEPLOYMENT, model.deployment());
                    }
                }
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!status.isOk() && status.getCause() != null) {
                    GatewayException error = ErrorMapper.map(status.getCause());
                    if (error.retryAfterSeconds() != null) {
                        trailers.put(RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
                    }
                    String description = error.kind().httpStatus() >= 500
                            ? error.getMessage() + " (request id " + requestId + ")" : error.getMessage();
                    status = Status.fromCode(error.kind().grpcCode()).withDescription(description);
                }
                // a failure answered before any reply has no response headers: the id goes in the trailers too
                if (!trailers.containsKey(X_REQUEST_ID)) {
                    trailers.put(X_REQUEST_ID, requestId);
                }
                super.close(status, trailers);
            }
        };
        java.net.SocketAddress remote = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String address = remote instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        Context context = Context.current().withValues(METADATA_API_KEY, headers.get(X_API_KEY), SERVED_MODEL, servedModel,
                CLIENT_ADDRESS, address, CALL_DONE, done).withValue(REQUEST_ID, requestId);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, mapped, headers, next);
        return CallEnd.then(listener, () -> done.complete(null));
    }
}
