package dev.imagegateway.grpc;

import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.security.ApiKeyFilter;
import imagegeneration.ImageRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * gRPC door, inbound: the seed's {@code ImageRequest} becomes a {@link GenerationRequest}; the key comes from the
 * {@code api_key} field as in the seed, or else from the {@code x-api-key} call metadata.
 */
public class GrpcRequestReader implements Processor {

    @Override
    public void process(Exchange exchange) {
        ImageRequest request = exchange.getMessage().getBody(ImageRequest.class);
        String key = request.getApiKey().isEmpty() ? GrpcStatusInterceptor.METADATA_API_KEY.get() : request.getApiKey();
        exchange.setProperty(ApiKeyFilter.PRESENTED_KEY, key);
        exchange.getMessage().setBody(new GenerationRequest(request.getPrompt(), request.getSize(), "grpc"));
    }
}
