package dev.imagegateway.grpc;

import java.util.List;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageOptions;
import dev.imagegateway.provider.UpstreamRetryPolicy;
import dev.imagegateway.security.ApiKeyFilter;
import imagegeneration.ImageRequest;
import io.grpc.Context;
import io.grpc.Deadline;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * gRPC door, inbound: the seed's {@code ImageRequest} becomes a {@link GenerationRequest}; the key comes from the
 * {@code api_key} field as in the seed, or else from the {@code x-api-key} call metadata.
 */
public class GrpcRequestReader implements Processor {

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        Object body = exchange.getMessage().getBody();
        imagegeneration.EditRequest edit = body instanceof imagegeneration.EditRequest e ? e : null;
        ImageRequest request = edit != null ? edit.getRequest() : exchange.getMessage().getBody(ImageRequest.class);
        String key = request.getApiKey().isEmpty() ? GrpcStatusInterceptor.METADATA_API_KEY.get() : request.getApiKey();
        exchange.setProperty(ApiKeyFilter.PRESENTED_KEY, key);
        exchange.setProperty(dev.imagegateway.security.FailedAuthThrottle.CLIENT_ADDRESS, GrpcStatusInterceptor.CLIENT_ADDRESS.get());
        // the call's deadline bounds the whole generation; a cancel stops further upstream attempts
        Context call = Context.current();
        Deadline deadline = call.getDeadline();
        if (deadline != null) {
            exchange.setProperty(UpstreamRetryPolicy.DEADLINE,
                    System.currentTimeMillis() + deadline.timeRemaining(TimeUnit.MILLISECONDS));
        }
        exchange.setProperty(UpstreamRetryPolicy.CANCELLED, new AtomicBoolean());
        // the reply wraps the image's bytes: they are in use until grpc-java has sent it
        java.util.concurrent.CompletableFuture<Void> done = GrpcStatusInterceptor.CALL_DONE.get();
        if (done != null) {
            dev.imagegateway.provider.ReplyBudget.holdUntil(exchange, done);
        }
        // a cancel or an expired deadline: no further upstream attempt, and the one in flight is cancelled
        call.addListener(context -> dev.imagegateway.provider.UpstreamDeadline.callerGone(exchange), Runnable::run);
        ImageOptions options = new ImageOptions(blankToNull(request.getQuality()), null, blankToNull(request.getBackground()),
                blankToNull(request.getModeration()), blankToNull(request.getOutputFormat()),
                request.hasOutputCompression() ? request.getOutputCompression() : null, null);
        boolean stream = isStream(exchange);
        if (!stream && (request.getN() != 0 || request.getPartialImages() != 0)) {
            throw dev.imagegateway.error.GatewayException.invalid(request.getN() != 0 ? "n" : "partial_images",
                    "Fields 'n' and 'partial_images' are for GenerateImageStream; GenerateImage answers one image");
        }
        if (request.getPartialImages() < 0 || request.getPartialImages() > 3) {
            throw dev.imagegateway.error.GatewayException.invalid("partial_images", "Field 'partial_images' must be 0 to 3");
        }
        if (stream) {
            @SuppressWarnings("unchecked")
            io.grpc.stub.StreamObserver<imagegeneration.ImageEvent> observer = exchange.getProperty(RESPONSE_OBSERVER,
                    io.grpc.stub.StreamObserver.class);
            exchange.setProperty(dev.imagegateway.pipeline.ImageEvents.PROPERTY, new GrpcImageStream(observer,
                    request.getPartialImages(), exchange.getProperty(UpstreamRetryPolicy.DEADLINE, Long.class)));
        }
        GenerationRequest generation = new GenerationRequest(request.getPrompt(), request.getSize(), "grpc",
                blankToNull(request.getModel()), request.getN() == 0 ? null : request.getN(), options);
        if (edit != null) {
            List<byte[]> images = new java.util.ArrayList<>(edit.getImagesCount());
            edit.getImagesList().forEach(image -> images.add(image.toByteArray()));
            dev.imagegateway.pipeline.EditInput input = new dev.imagegateway.pipeline.EditInput(images,
                    edit.getMask().isEmpty() ? null : edit.getMask().toByteArray(), blankToNull(edit.getInputFidelity()));
            // the message and its copies (here, and in the upstream's request) count against the memory budget
            dev.imagegateway.provider.ReplyBudget budget = exchange.getContext().getRegistry()
                    .lookupByNameAndType("replyBudget", dev.imagegateway.provider.ReplyBudget.class);
            if (budget != null) {
                budget.reserve(exchange, 3 * input.bytes());
            }
            generation = generation.withEdit(input);
        }
        exchange.getMessage().setBody(generation);
    }

    /** Exchange property where camel-grpc (routeControlledStreamObserver) puts the call's response observer. */
    static final String RESPONSE_OBSERVER = "grpcResponseObserver";

    /** True for GenerateImageStream and EditImage, answered as events (camel-grpc names the method called in a header). */
    static boolean isStream(Exchange exchange) {
        String method = exchange.getMessage().getHeader("CamelGrpcMethodName", "", String.class);
        return method.equalsIgnoreCase("GenerateImageStream") || method.equalsIgnoreCase("EditImage");
    }

    /** proto3 strings are never null: empty means "not set". */
    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
