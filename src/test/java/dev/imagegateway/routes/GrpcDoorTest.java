package dev.imagegateway.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gRPC door end to end: a real grpc-java channel, the real routes, a stub OpenAI upstream. */
class GrpcDoorTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private ManagedChannel channel;

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.response-timeout-ms", "1500");
        // the status contract without retries; UpstreamResilienceTest covers them
        p.setProperty("upstream.retries", "0");
    }

    @BeforeAll
    void openChannel() {
        channel = NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
    }

    @AfterAll
    void close() {
        channel.shutdownNow();
    }

    private ImageGenerationServiceGrpc.ImageGenerationServiceBlockingStub stub() {
        return ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static ImageRequest request(String prompt, String size, String key) {
        return ImageRequest.newBuilder().setPrompt(prompt).setSize(size).setApiKey(key).build();
    }

    private StatusRuntimeException failure(ImageRequest request) {
        return assertThrows(StatusRuntimeException.class, () -> stub().generateImage(request));
    }

    @Test
    void generatesReturnsAndSavesTheUpstreamImage() throws Exception {
        byte[] png = UpstreamStub.png(40, 20);
        upstream().answerImage(png);

        ImageResponse response = stub().generateImage(request("A futuristic city skyline at sunset", "1024x1792", KEY));

        assertEquals(Base64.getEncoder().encodeToString(png), response.getImage());
        assertTrue(response.getFilename().matches("\\d{10}_[0-9a-f]{12}\\.png"), response.getFilename());
        Path saved = savedImage(response.getFilename());
        assertEquals(List.of(saved), savedImages());
        assertArrayEquals(png, Files.readAllBytes(saved));

        var sent = upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH)));
        assertEquals(1, sent.size());
        assertEquals("Bearer " + UpstreamStub.OPENAI_KEY, sent.get(0).getHeader("Authorization"));
        JsonNode body = JSON.readTree(sent.get(0).getBodyAsString());
        assertEquals("A futuristic city skyline at sunset", body.get("prompt").asText());
        assertEquals("1024x1792", body.get("size").asText());
        assertEquals("gpt-image-2.6-flare", body.get("model").asText());
        assertEquals("gpt-image-2.6-flare", response.getModel());
        assertFalse(sent.get(0).getBodyAsString().contains(KEY), "the gateway key never goes upstream");
    }

    @Test
    void theNewOptionalFieldsChooseTheModelAndItsOptionsAndTheReplyNamesTheServingModel() throws Exception {
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(8, 8));
        java.util.concurrent.atomic.AtomicReference<Metadata> headers = new java.util.concurrent.atomic.AtomicReference<>();
        ImageResponse response = stub().withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(
                        headers, new java.util.concurrent.atomic.AtomicReference<>()))
                .generateImage(request("A fox", "1792x1024", KEY).toBuilder().setModel("dall-e-3").setQuality("hd").build());
        assertEquals("gpt-image-2.6-flare", response.getModel());
        assertEquals("gpt-image-2.6-flare", headers.get().get(GrpcStatusInterceptor.X_GATEWAY_MODEL));
        JsonNode sent = JSON.readTree(upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH))).get(0).getBodyAsString());
        assertEquals("gpt-image-2.6-flare", sent.get("model").asText());
        assertEquals("high", sent.get("quality").asText());

        upstream().reset();
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(8, 8));
        ImageResponse webp = stub().generateImage(request("A fox", "", KEY).toBuilder().setModel("gpt-image-2.6-sunburst")
                .setOutputFormat("webp").setBackground("opaque").setModeration("low").setOutputCompression(0).build());
        assertTrue(webp.getFilename().endsWith(".webp"), webp.getFilename());
        assertEquals("gpt-image-2.6-sunburst", webp.getModel());
        sent = JSON.readTree(upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH))).get(0).getBodyAsString());
        assertEquals("webp", sent.get("output_format").asText());
        assertEquals(0, sent.get("output_compression").asInt(), "an explicit 0 is sent (proto3 optional)");
        assertEquals("opaque", sent.get("background").asText());

        StatusRuntimeException e = failure(request("x", "", KEY).toBuilder().setQuality("ultra").build());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("'quality'"), e.getStatus().getDescription());
    }

    @Test
    void eachFormatIsNamedByItsBytes() throws Exception {
        byte[] gif = "GIF89a-pretend-gif-body".getBytes();
        upstream().answerImage(gif);
        ImageResponse response = stub().generateImage(request("x", "", KEY));
        assertTrue(response.getFilename().endsWith(".gif"), response.getFilename());
        assertArrayEquals(gif, Files.readAllBytes(savedImage(response.getFilename())));
    }

    @Test
    void emptySizeMeansTheDefaultSize() throws Exception {
        upstream().answerImage(UpstreamStub.png(8, 8));
        stub().generateImage(request("x", "", KEY));
        JsonNode body = JSON.readTree(upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH)))
                .get(0).getBodyAsString());
        assertEquals("1024x1024", body.get("size").asText());
    }

    @Test
    void keyInCallMetadataIsAccepted() {
        upstream().answerImage(UpstreamStub.png(8, 8));
        Metadata metadata = new Metadata();
        metadata.put(GrpcStatusInterceptor.X_API_KEY, SECOND_KEY);
        ImageResponse response = stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
                .generateImage(request("x", "", ""));
        assertFalse(response.getImage().isEmpty());
    }

    @Test
    void wrongOrMissingKeyIsPermissionDenied() {
        for (String key : new String[] {"", "wrong", KEY + "x"}) {
            StatusRuntimeException e = failure(request("x", "", key));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
            assertEquals("Invalid API key", e.getStatus().getDescription());
        }
        assertEquals(0, upstream().server().getAllServeEvents().size());
    }

    @Test
    void bytesThatAreNoImageRequestAreInvalidArgument() {
        io.grpc.MethodDescriptor.Marshaller<byte[]> raw = new io.grpc.MethodDescriptor.Marshaller<>() {
            @Override
            public java.io.InputStream stream(byte[] value) {
                return new java.io.ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(java.io.InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        io.grpc.MethodDescriptor<byte[], byte[]> method = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("imagegeneration.ImageGenerationService/GenerateImage")
                .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
        byte[][] garbage = {{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, {0x0A, 0x02, (byte) 0xC0, (byte) 0xAF}};
        for (byte[] body : garbage) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> io.grpc.stub.ClientCalls.blockingUnaryCall(
                    channel, method, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), body));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        }
        assertEquals(0, upstream().server().getAllServeEvents().size());
        // the door still serves well-formed calls
        upstream().answerImage(UpstreamStub.png(4, 4));
        assertFalse(stub().generateImage(request("x", "", KEY)).getFilename().isEmpty());
    }

    @Test
    void emptyPromptIsInvalidArgument() {
        StatusRuntimeException e = failure(request("", "", KEY));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("Prompt is required", e.getStatus().getDescription());
    }

    @ParameterizedTest
    @CsvSource({"256x256, 'size'", "1024x1024x1, 'size'", "1000x1000, 'size'"})
    void sizeTheModelRefusesIsInvalidArgument(String size, String field) {
        StatusRuntimeException e = failure(request("x", size, KEY));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(field), e.getStatus().getDescription());
        assertEquals(0, upstream().server().getAllServeEvents().size());
    }

    @Test
    void tooLongPromptIsInvalidArgument() {
        StatusRuntimeException e = failure(request("p".repeat(32001), "", KEY));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("'prompt'"));
    }

    @ParameterizedTest(name = "upstream {0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "400 | {\"error\":{\"message\":\"Your request was rejected by our safety system\",\"code\":\"content_policy_violation\"}} | INVALID_ARGUMENT | safety system",
        "429 | {\"error\":{\"message\":\"Rate limit reached\"}} | RESOURCE_EXHAUSTED | Rate limit reached",
        "401 | {\"error\":{\"message\":\"Incorrect API key provided: sk-test-upstream-secret-0123456789\"}} | UNAVAILABLE | credentials",
        "403 | {} | UNAVAILABLE | credentials",
        "500 | {\"error\":{\"message\":\"boom\"}} | UNAVAILABLE | boom",
        "503 | not json | UNAVAILABLE | HTTP 503",
        "404 | {\"error\":{\"message\":\"Unknown model\"}} | UNAVAILABLE | Unknown model",
        "200 | <html>ok</html> | INTERNAL | malformed JSON",
        "200 | {\"created\":1} | INTERNAL | no image data",
        "200 | {\"data\":[]} | INTERNAL | no image data",
        "200 | {\"data\":[{\"b64_json\":\"%%%not-base64%%%\"}]} | INTERNAL | invalid base64",
        "200 | {\"data\":[{\"b64_json\":\"aGVsbG8=\"}]} | INTERNAL | not a known image format",
    })
    void upstreamOutcomesMapToStatuses(int upstreamStatus, String body, Status.Code code, String message) throws Exception {
        upstream().answerJson(upstreamStatus, body);
        StatusRuntimeException e = failure(request("x", "", KEY));
        assertEquals(code, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
        assertFalse(e.getStatus().getDescription().contains(UpstreamStub.OPENAI_KEY));
        assertTrue(savedImages().isEmpty());
    }

    @Test
    void unreachableUpstreamIsUnavailable() {
        upstream().answer(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER));
        assertEquals(Status.Code.UNAVAILABLE, failure(request("x", "", KEY)).getStatus().getCode());
        upstream().answer(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK));
        assertEquals(Status.Code.UNAVAILABLE, failure(request("x", "", KEY)).getStatus().getCode());
    }

    @Test
    void slowUpstreamIsDeadlineExceeded() {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(4000)
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(8, 8)))));
        StatusRuntimeException e = failure(request("x", "", KEY));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    }

    @Test
    void requestsOverTheInboundLimitAreResourceExhausted() {
        // past GRPC_MAX_REQUEST_BYTES (32 MiB: an edit's images travel in its message)
        StatusRuntimeException e = failure(request("p".repeat(33 * 1024 * 1024), "", KEY));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals(0, upstream().server().getAllServeEvents().size());
        // and the server keeps serving
        assertEquals(Status.Code.INVALID_ARGUMENT, failure(request("", "", KEY)).getStatus().getCode());
    }

    @Test
    void largeImagesGoOut() throws Exception {
        // 20 MB of image bytes, about 27 MB of base64: far above gRPC's default 4 MB message limit
        byte[] big = new byte[20 * 1024 * 1024];
        System.arraycopy(UpstreamStub.png(8, 8), 0, big, 0, 8);
        upstream().answerImage(big);
        ImageResponse response = stub().generateImage(request("x", "", KEY));
        assertEquals(Base64.getEncoder().encodeToString(big).length(), response.getImage().length());
        assertEquals(big.length, Files.size(savedImage(response.getFilename())));
    }
}
