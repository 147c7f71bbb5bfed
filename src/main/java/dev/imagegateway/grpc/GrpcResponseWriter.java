package dev.imagegateway.grpc;

import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import imagegeneration.ImageResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** gRPC door, outbound: the pipeline's image becomes the seed's {@code ImageResponse}, its base64 text not copied. */
public class GrpcResponseWriter implements Processor {

    @Override
    public void process(Exchange exchange) {
        GeneratedImage image = exchange.getMessage().getBody(GeneratedImages.class).first();
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(ImageResponse.newBuilder()
                .setImageBytes(image.base64ByteString())
                .setFilename(image.filename())
                .build());
    }
}
