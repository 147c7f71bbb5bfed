package dev.imagegateway.client;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import imagegeneration.ImageResponse;
import io.github.cdimascio.dotenv.Dotenv;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The seed's grpc_client.py in Java: same defaults (SERVER_ADDRESS and API_SECRET_KEY from the environment or
 * {@code .env}), same output.
 */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Generate one image through the gateway's gRPC door.")
public class ClientCommand implements Callable<Integer> {

    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    @Option(names = {"-p", "--prompt"}, required = true, description = "What to draw.")
    String prompt;

    @Option(names = {"-s", "--size"}, defaultValue = "1024x1024", description = "Image size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = {"-m", "--model"}, description = "Model to ask for (default: the gateway's IMAGE_MODEL); GET /v1/models lists them.")
    String model;

    @Option(names = {"-q", "--quality"}, description = "Quality the model accepts (low, medium, high, xhigh, max, auto...).")
    String quality;

    @Option(names = "--output-format", description = "png, jpeg or webp, where the model offers them.")
    String outputFormat;

    @Option(names = "--server", description = "host:port of the gateway (default: SERVER_ADDRESS, else localhost:50051).")
    String server;

    @Option(names = {"-k", "--key"}, description = "Gateway key (default: API_SECRET_KEY).")
    String key;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the image (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        Dotenv env = Dotenv.configure().ignoreIfMissing().load(); // the real environment wins over .env
        String target = firstNonBlank(server, env.get("SERVER_ADDRESS"), "localhost:50051");
        String apiKey = firstNonBlank(key, env.get("API_SECRET_KEY"), "");
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext()
                .maxInboundMessageSize(MAX_RESPONSE_BYTES).build();
        try {
            ImageRequest.Builder request = ImageRequest.newBuilder().setPrompt(prompt).setSize(size).setApiKey(apiKey);
            if (model != null) {
                request.setModel(model);
            }
            if (quality != null) {
                request.setQuality(quality);
            }
            if (outputFormat != null) {
                request.setOutputFormat(outputFormat);
            }
            ImageResponse response = ImageGenerationServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                    .generateImage(request.build());
            System.out.println("Image Generated Successfully!");
            String image = response.getImage();
            System.out.println("Base64 Image Data: " + image.substring(0, Math.min(100, image.length())) + "...");
            if (!response.getFilename().isEmpty()) {
                System.out.println("Image saved as: " + Path.of("images", response.getFilename()));
            } else {
                System.out.println("Note: Image was not saved (no filename returned)");
            }
            if (!response.getModel().isEmpty()) {
                System.out.println("Model: " + response.getModel());
            }
            return 0;
        } catch (StatusRuntimeException e) {
            System.out.println("Error: " + e.getStatus().getCode() + " - " + e.getStatus().getDescription());
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
