package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import imagegeneration.ImageResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No OpenAI key at all: the built-in provider serves real PNGs through both doors, and they are saved. */
class OfflineProviderTest extends GatewayTestSupport {

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", "");
        // an unreachable upstream: any call to it would fail the test
        p.setProperty("openai.base-url", "http://127.0.0.1:9/v1");
        return p;
    }

    @Test
    void restServesAPngOfTheRequestedSize() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(restUrl()))
                .header("Content-Type", "application/json").header("X-API-KEY", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"A lighthouse\",\"size\":\"1792x1024\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode json = new ObjectMapper().readTree(response.body());
        byte[] png = Base64.getDecoder().decode(json.get("image").asText());
        assertArrayEquals(new int[] {1792, 1024}, pngSize(png));
        assertTrue(json.get("filename").asText().endsWith(".png"));
        assertArrayEquals(png, Files.readAllBytes(savedImage(json.get("filename").asText())));
    }

    @Test
    void grpcServesAPngOfTheRequestedSize() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        try {
            ImageResponse response = ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .generateImage(ImageRequest.newBuilder().setPrompt("A lighthouse").setApiKey(SECOND_KEY).build());
            byte[] png = Base64.getDecoder().decode(response.getImage());
            assertArrayEquals(new int[] {1024, 1024}, pngSize(png));
            assertArrayEquals(png, Files.readAllBytes(savedImage(response.getFilename())));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theOfflineProviderStreamsPartialImagesCoarseToFineThenTheImages() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext().build();
        try {
            java.util.Iterator<imagegeneration.ImageEvent> stream = ImageGenerationServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS).generateImageStream(ImageRequest.newBuilder()
                            .setPrompt("A lighthouse at dusk").setSize("1024x768").setN(2).setPartialImages(3).setApiKey(KEY).build());
            java.util.List<int[]> partials = new java.util.ArrayList<>();
            java.util.Map<Integer, java.io.ByteArrayOutputStream> images = new java.util.TreeMap<>();
            imagegeneration.Done done = null;
            while (stream.hasNext()) {
                imagegeneration.ImageEvent event = stream.next();
                if (event.hasPartialImage()) {
                    assertTrue(images.isEmpty(), "partial images come before the image");
                    assertEquals(partials.size(), event.getPartialImage().getIndex());
                    assertEquals("png", event.getPartialImage().getFormat());
                    partials.add(pngSize(event.getPartialImage().getImage().toByteArray()));
                } else if (event.hasChunk()) {
                    images.computeIfAbsent(event.getChunk().getIndex(), k -> new java.io.ByteArrayOutputStream())
                            .writeBytes(event.getChunk().getData().toByteArray());
                } else if (event.hasDone()) {
                    done = event.getDone();
                }
            }
            // 1/8, 1/4, 1/2 of the size, then the images themselves
            assertEquals(java.util.List.of("128x96", "256x192", "512x384"),
                    partials.stream().map(wh -> wh[0] + "x" + wh[1]).toList());
            assertEquals(2, images.size());
            assertEquals("local", done.getProvider());
            assertEquals(2, done.getFilenamesCount());
            for (int i = 0; i < 2; i++) {
                byte[] png = images.get(i).toByteArray();
                assertArrayEquals(new int[] {1024, 768}, pngSize(png));
                assertArrayEquals(png, Files.readAllBytes(savedImage(done.getFilenames(i))));
            }
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theOpenAiSdkStreamsPartialImagesThenTheImage() throws Exception {
        com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder().apiKey(KEY)
                .baseUrl("http://localhost:" + httpPort() + "/v1").maxRetries(0).build();
        java.util.List<Long> partialIndexes = new java.util.ArrayList<>();
        java.util.List<com.openai.models.images.ImageGenCompletedEvent> completed = new java.util.ArrayList<>();
        try (com.openai.core.http.StreamResponse<com.openai.models.images.ImageGenStreamEvent> stream = client.images().generateStreaming(
                com.openai.models.images.ImageGenerateParams.builder().prompt("A lighthouse at dusk").size(
                        com.openai.models.images.ImageGenerateParams.Size._1024X1024).partialImages(3L).build())) {
            stream.stream().forEach(event -> {
                if (event.isGenerationPartialImage()) {
                    assertTrue(completed.isEmpty(), "partial images come first");
                    partialIndexes.add(event.asGenerationPartialImage().partialImageIndex());
                } else if (event.isGenerationCompleted()) {
                    completed.add(event.asGenerationCompleted());
                }
            });
        }
        assertEquals(java.util.List.of(0L, 1L, 2L), partialIndexes);
        assertEquals(1, completed.size());
        byte[] png = Base64.getDecoder().decode(completed.get(0).b64Json());
        assertArrayEquals(new int[] {1024, 1024}, pngSize(png));
        assertEquals(0L, completed.get(0).usage().outputTokens(), "the offline renderer uses no tokens");
        assertEquals(1, savedImages().stream().filter(f -> {
            try {
                return java.util.Arrays.equals(Files.readAllBytes(f), png);
            } catch (java.io.IOException e) {
                return false;
            }
        }).count(), "the streamed image is the saved one");
    }

    @Test
    void theOfflineProviderEditsDrawingThePromptOverTheInputImage() throws Exception {
        byte[] red = UpstreamStub.png(64, 64, java.awt.Color.RED);
        com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder().apiKey(KEY)
                .baseUrl("http://localhost:" + httpPort() + "/v1").maxRetries(0).build();
        com.openai.models.images.ImagesResponse response;
        try {
            response = client.images().edit(com.openai.models.images.ImageEditParams.builder()
                    .image(new java.io.ByteArrayInputStream(red)).prompt("A red square, edited")
                    .size(com.openai.models.images.ImageEditParams.Size._1024X1024).build());
        } finally {
            client.close();
        }
        byte[] edited = Base64.getDecoder().decode(response.data().orElseThrow().get(0).b64Json().orElseThrow());
        assertArrayEquals(new int[] {1024, 1024}, pngSize(edited));
        java.awt.image.BufferedImage out = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(edited));
        assertEquals(java.awt.Color.RED.getRGB(), out.getRGB(5, 5), "the input image is the edit's ground");
        assertEquals(1, savedImages().stream().filter(f -> {
            try {
                return java.util.Arrays.equals(Files.readAllBytes(f), edited);
            } catch (java.io.IOException e) {
                return false;
            }
        }).count());
    }
}
