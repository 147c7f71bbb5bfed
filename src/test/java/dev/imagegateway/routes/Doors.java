package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.grpc.GrpcStatusInterceptor;
import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import imagegeneration.ImageResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;

/** Calls the gateway through either door and reports the outcome in one shape, so a test runs over both. */
public final class Doors implements AutoCloseable {

    /**
     * What a door answered: the HTTP status or gRPC code, the message, Retry-After if any, the filename if any, and who
     * served it ({@code provider/deployment/model} from the x-gateway-* headers or metadata; null when not said).
     */
    public record Outcome(int httpStatus, Status.Code grpcCode, String message, String retryAfter, String filename, String servedBy) {
        public Outcome(int httpStatus, Status.Code grpcCode, String message, String retryAfter, String filename) {
            this(httpStatus, grpcCode, message, retryAfter, filename, null);
        }
    }

    private static String servedBy(String provider, String deployment, String model) {
        return provider == null ? null : provider + "/" + deployment + "/" + model;
    }

    public enum Door { REST, GRPC }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ManagedChannel channel;
    private final String restUrl;
    private final String key;

    public Doors(int httpPort, int grpcPort, String key) {
        this.restUrl = "http://localhost:" + httpPort + "/generate";
        this.channel = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        this.key = key;
    }

    public Outcome call(Door door, String prompt) throws Exception {
        return door == Door.REST ? rest(prompt) : grpc(prompt, 30_000);
    }

    public Outcome rest(String prompt) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("prompt", prompt));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(restUrl)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-API-KEY", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        var json = JSON.readTree(response.body());
        return new Outcome(response.statusCode(), null, json.path("error").asText(null),
                response.headers().firstValue("Retry-After").orElse(null), json.path("filename").asText(null),
                servedBy(response.headers().firstValue("x-gateway-provider").orElse(null),
                        response.headers().firstValue("x-gateway-deployment").orElse(null),
                        response.headers().firstValue("x-gateway-model").orElse(null)));
    }

    public Outcome grpc(String prompt, long deadlineMs) {
        try {
            java.util.concurrent.atomic.AtomicReference<Metadata> headers = new java.util.concurrent.atomic.AtomicReference<>();
            ImageResponse response = ImageGenerationServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(headers, new java.util.concurrent.atomic.AtomicReference<>()))
                    .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                    .generateImage(ImageRequest.newBuilder().setPrompt(prompt).setApiKey(key).build());
            Metadata h = headers.get();
            return new Outcome(0, Status.Code.OK, null, null, response.getFilename(), h == null ? null
                    : servedBy(h.get(GrpcStatusInterceptor.X_GATEWAY_PROVIDER), h.get(GrpcStatusInterceptor.X_GATEWAY_DEPLOYMENT),
                            h.get(GrpcStatusInterceptor.X_GATEWAY_MODEL)));
        } catch (StatusRuntimeException e) {
            Metadata trailers = e.getTrailers();
            String retryAfter = trailers == null ? null : trailers.get(GrpcStatusInterceptor.RETRY_AFTER);
            return new Outcome(0, e.getStatus().getCode(), e.getStatus().getDescription(), retryAfter, null);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
