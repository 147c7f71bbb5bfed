package dev.imagegateway.grpc;

import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.ServedModel;
import imagegeneration.ImageResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * gRPC door, outbound: the pipeline's image becomes the seed's {@code ImageResponse}, its base64 text not copied, with
 * the model that served it (field {@code model}) and the x-gateway-model, -provider and -deployment response metadata.
 */
public class GrpcResponseWriter implements Processor {

    @Override
    public void process(Exchange exchange) {
        GeneratedImage image = exchange.getMessage().getBody(GeneratedImages.class).first();
        ServedModel model = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        exchange.getMessage().removeHeaders("*");
        ImageResponse.Builder response = ImageResponse.newBuilder()
                .setImageBytes(image.base64ByteString())
                .setFilename(image.filename());
        if (model != null) {
            response.setModel(model.name());
            GrpcStatusInterceptor.servedModel(model);
        }
        exchange.getMessage().setBody(response.build());
    }
}
