package dev.imagegateway.client;

import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--stream", description = "Use GenerateImageStream: progress and partial images on stderr, the image "
            + "written to a file as its chunks arrive (any size, within gRPC's default message limit).")
    boolean stream;

    @Option(names = "--partial-images", defaultValue = "0", description = "With --stream: partial images to receive (0-3), "
            + "written as partial-<n>.<format> beside the image.")
    int partialImages;

    @Option(names = {"-i", "--image"}, description = "Edit this image (PNG, JPEG or WebP) instead of generating one: "
            + "EditImage, answered as --stream; repeat it for up to 16 images.")
    List<Path> images = new java.util.ArrayList<>();

    @Option(names = "--mask", description = "With --image: a PNG, transparent where the image is edited.")
    Path mask;

    @Option(names = {"-o", "--out"}, description = "With --stream: the file to write the image to (default: its saved name in the current folder).")
    Path out;

    @Override
    public Integer call() throws java.io.IOException {
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
            if (!images.isEmpty()) {
                imagegeneration.EditRequest.Builder edit = imagegeneration.EditRequest.newBuilder()
                        .setRequest(request.setPartialImages(partialImages));
                for (Path image : images) {
                    edit.addImages(com.google.protobuf.ByteString.copyFrom(java.nio.file.Files.readAllBytes(image)));
                }
                if (mask != null) {
                    edit.setMask(com.google.protobuf.ByteString.copyFrom(java.nio.file.Files.readAllBytes(mask)));
                }
                return receive(ImageGenerationServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).editImage(edit.build()));
            }
            if (stream) {
                return stream(channel, request.setPartialImages(partialImages).build());
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

    /** GenerateImageStream: events as they come, the image written as its chunks arrive. */
    private int stream(ManagedChannel channel, ImageRequest request) throws java.io.IOException {
        return receive(ImageGenerationServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).generateImageStream(request));
    }

    /** The events of GenerateImageStream or EditImage: progress and partial images on stderr, the image to a file. */
    private int receive(java.util.Iterator<imagegeneration.ImageEvent> events) throws java.io.IOException {
        java.io.OutputStream file = null;
        Path written = null;
        try {
            while (events.hasNext()) {
                imagegeneration.ImageEvent event = events.next();
                switch (event.getEventCase()) {
                    case PROGRESS -> System.err.printf("[%5.1f s] %s%n", event.getProgress().getElapsedMs() / 1000.0,
                            event.getProgress().getStage());
                    case PARTIAL_IMAGE -> {
                        String name = "partial-" + (event.getPartialImage().getIndex() + 1) + "."
                                + (event.getPartialImage().getFormat().isEmpty() ? "img" : event.getPartialImage().getFormat());
                        // beside the image's file
                        Path partial = out != null ? out.toAbsolutePath().resolveSibling(name) : Path.of(name);
                        java.nio.file.Files.write(partial, event.getPartialImage().getImage().toByteArray());
                        System.err.println("          partial image " + (event.getPartialImage().getIndex() + 1) + ": " + partial);
                    }
                    case CHUNK -> {
                        imagegeneration.ImageChunk chunk = event.getChunk();
                        if (chunk.getIndex() > 0) {
                            continue; // one image asked for; a second would come with n
                        }
                        if (file == null) {
                            written = out != null ? out : Path.of(chunk.getFilename().isEmpty() ? "image." + chunk.getFormat() : chunk.getFilename());
                            file = java.nio.file.Files.newOutputStream(written);
                        }
                        chunk.getData().writeTo(file);
                        System.err.printf("          %d of %d bytes%n", chunk.getOffset() + chunk.getData().size(), chunk.getTotalBytes());
                    }
                    case DONE -> {
                        if (file != null) {
                            file.close();
                            file = null;
                        }
                        imagegeneration.Done done = event.getDone();
                        System.out.println("Image Generated Successfully!");
                        System.out.println("Image written to: " + written);
                        if (done.getFilenamesCount() > 0) {
                            System.out.println("Image saved as: " + Path.of("images", done.getFilenames(0)));
                        }
                        System.out.println("Model: " + done.getModel()
                                + (done.getProvider().isEmpty() ? "" : " (" + done.getProvider() + "/" + done.getDeployment() + ")"));
                    }
                    default -> {
                        // a newer gateway's event: nothing this client knows to do with it
                    }
                }
            }
            return 0;
        } finally {
            if (file != null) {
                file.close();
            }
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
