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
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        GeneratedImages images = exchange.getMessage().getBody(GeneratedImages.class);
        ServedModel model = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        if (exchange.getProperty(dev.imagegateway.pipeline.ImageEvents.PROPERTY) instanceof GrpcImageStream stream) {
            stream.finish(images, model);
            return;
        }
        GeneratedImage image = images.first();
        exchange.getMessage().removeHeaders("*");
        ImageResponse.Builder response = ImageResponse.newBuilder()
                .setImageBytes(image.base64ByteString())
                .setFilename(image.filename());
        if (model != null) {
            response.setModel(model.name());
            GrpcStatusInterceptor.servedModel(model);
        }
        ImageResponse reply = response.build();
        exchange.getMessage().setBody(reply);
        // the route answers the call itself (routeControlledStreamObserver: the streaming rpc needs its observer)
        io.grpc.stub.StreamObserver<ImageResponse> observer = exchange.getProperty(GrpcRequestReader.RESPONSE_OBSERVER,
                io.grpc.stub.StreamObserver.class);
        observer.onNext(reply);
        observer.onCompleted();
    }
}
