package dev.imagegateway.routes;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import imagegeneration.ImageEvent;
import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GenerateImageStream through grpc-java with its defaults (a 4 MiB inbound message limit): the events come in order,
 * the chunks put back together are the saved image, a 30 MB image arrives, and a failure, a deadline or a cancel ends
 * the stream with the error contract's status.
 */
class GrpcStreamTest extends StubbedGatewayTestSupport {

    private ManagedChannel channel;

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
    }

    @BeforeAll
    void openChannel() {
        // no maxInboundMessageSize: gRPC's default 4 MiB, which one message of a large image would pass
        channel = NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext().build();
    }

    @AfterAll
    void closeChannel() {
        channel.shutdownNow();
    }

    private Iterator<ImageEvent> stream(ImageRequest request, long deadlineMs) {
        return ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                .generateImageStream(request);
    }

    private static ImageRequest request(String prompt) {
        return ImageRequest.newBuilder().setPrompt(prompt).setApiKey(KEY).build();
    }

    /** Every event of a stream, and each image's chunks put back together. */
    private record Received(List<ImageEvent> events, List<byte[]> images) {
        List<String> kinds() {
            List<String> kinds = new ArrayList<>();
            for (ImageEvent e : events) {
                String kind = e.getEventCase() == ImageEvent.EventCase.PROGRESS ? "progress:" + e.getProgress().getStage()
                        : e.getEventCase().name().toLowerCase();
                if (kinds.isEmpty() || !kinds.get(kinds.size() - 1).equals(kind)) {
                    kinds.add(kind);
                }
            }
            return kinds;
        }

        ImageEvent done() {
            return events.get(events.size() - 1);
        }
    }

    private static Received receive(Iterator<ImageEvent> stream) {
        List<ImageEvent> events = new ArrayList<>();
        List<ByteArrayOutputStream> images = new ArrayList<>();
        while (stream.hasNext()) {
            ImageEvent event = stream.next();
            if (event.hasChunk()) {
                while (images.size() <= event.getChunk().getIndex()) {
                    images.add(new ByteArrayOutputStream());
                }
                ByteArrayOutputStream image = images.get(event.getChunk().getIndex());
                assertEquals(image.size(), event.getChunk().getOffset(), "chunks arrive in order");
                assertTrue(event.getChunk().getData().size() <= 1024 * 1024, "at most 1 MiB a chunk");
                image.writeBytes(event.getChunk().getData().toByteArray());
                // the event kept without its bytes: a 30 MB image is not held twice by the test
                event = ImageEvent.newBuilder(event).setChunk(event.getChunk().toBuilder().clearData()).build();
            }
            events.add(event);
        }
        return new Received(events, images.stream().map(ByteArrayOutputStream::toByteArray).toList());
    }

    @Test
    void eventsComeInOrderAndTheChunksAreTheSavedImage() throws Exception {
        byte[] png = UpstreamStub.png(300, 200);
        upstream().answerImage(png);
        Received received = receive(stream(request("a streamed kite"), 10_000));
        assertEquals(List.of("progress:accepted", "progress:generating", "progress:received", "progress:saved", "chunk", "done"),
                received.kinds());
        assertEquals(1, received.images().size());
        assertArrayEquals(png, received.images().get(0));
        ImageEvent done = received.done();
        assertEquals("gpt-image-2.6-flare", done.getDone().getModel());
        assertEquals("openai", done.getDone().getProvider());
        String filename = done.getDone().getFilenames(0);
        assertArrayEquals(png, Files.readAllBytes(savedImage(filename)));
        assertTrue(received.events().stream().filter(ImageEvent::hasProgress)
                .mapToLong(e -> e.getProgress().getElapsedMs()).allMatch(ms -> ms >= 0 && ms < 10_000));
    }

    @Test
    void aThirtyMegabyteImageArrivesThroughADefaultClient() throws Exception {
        byte[] big = new byte[30 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        System.arraycopy(UpstreamStub.png(8, 8), 0, big, 0, 8);
        upstream().answerImage(big);
        Received received = receive(stream(request("a large kite"), 60_000));
        assertEquals(1, received.images().size());
        assertArrayEquals(big, received.images().get(0));
        assertTrue(received.events().stream().filter(ImageEvent::hasChunk).count() >= 30, "sent as chunks");
        assertEquals(big.length, Files.size(savedImage(received.done().getDone().getFilenames(0))));
    }

    @Test
    void aFailureEndsTheStreamWithTheContractsStatus() {
        upstream().answerJson(400, UpstreamStub.error("Your request was rejected by the safety system", "content_policy_violation"));
        Iterator<ImageEvent> stream = stream(request("refused"), 10_000);
        List<String> stages = new ArrayList<>();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
            while (stream.hasNext()) {
                stages.add(stream.next().getProgress().getStage());
            }
        });
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("safety system"), e.getStatus().getDescription());
        assertEquals(List.of("accepted", "generating"), stages);
    }

    @Test
    void aWrongKeyIsRefusedBeforeAnyEvent() {
        Iterator<ImageEvent> stream = stream(ImageRequest.newBuilder().setPrompt("x").setApiKey("wrong").build(), 10_000);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, stream::hasNext);
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    }

    @Test
    void theDeadlineMidStreamStopsTheUpstreamCall() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(3000)
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        Iterator<ImageEvent> stream = stream(request("too slow"), 800);
        assertEquals("accepted", stream.next().getProgress().getStage());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
            while (stream.hasNext()) {
                stream.next();
            }
        });
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        Thread.sleep(3500);
        // the upstream request was cancelled at the deadline: its late image was never read, so nothing was saved
        assertEquals(1, upstreamCalls());
        assertTrue(savedImages().isEmpty(), "no image from a call the client gave up on");
    }

    @Test
    void aCancelMidStreamStopsTheUpstreamCall() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(3000)
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        Context.CancellableContext call = Context.current().withCancellation();
        Status.Code code = call.call(() -> {
            Iterator<ImageEvent> stream = stream(request("cancelled"), 10_000);
            assertEquals("accepted", stream.next().getProgress().getStage());
            // cancelled while the upstream works on it
            long until = System.currentTimeMillis() + 2000;
            while (upstreamCalls() == 0 && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            call.cancel(null);
            try {
                while (stream.hasNext()) {
                    stream.next();
                }
                return Status.Code.OK;
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode();
            }
        });
        assertEquals(Status.Code.CANCELLED, code);
        Thread.sleep(3500);
        assertEquals(1, upstreamCalls());
        assertTrue(savedImages().isEmpty(), "no image from a cancelled call");
    }

    @Test
    void theUnaryRpcRefusesTheStreamsFields() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ImageGenerationServiceGrpc.newBlockingStub(channel)
                .generateImage(ImageRequest.newBuilder().setPrompt("x").setApiKey(KEY).setPartialImages(2).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }

    @Test
    void partialImagesFromAnUpstreamThatStreamsArriveBeforeTheImage() throws Exception {
        byte[] partial = UpstreamStub.png(16, 16);
        byte[] png = UpstreamStub.png(64, 64);
        upstream().answer(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(OpenAiStreamTest.upstreamStream(partial, png, 2)));
        Received received = receive(stream(request("a streamed kite").toBuilder().setPartialImages(2).build(), 10_000));
        assertEquals(List.of("progress:accepted", "progress:generating", "partial_image", "progress:received", "progress:saved",
                "chunk", "done"), received.kinds());
        assertEquals(2, received.events().stream().filter(ImageEvent::hasPartialImage).count());
        assertArrayEquals(partial, received.events().stream().filter(ImageEvent::hasPartialImage).findFirst().orElseThrow()
                .getPartialImage().getImage().toByteArray());
        assertArrayEquals(png, received.images().get(0));
        assertEquals(50, received.done().getDone().getUsage().getOutputTokens());
    }

    @Test
    void editImageSendsTheImagesAndMaskUpstreamAndStreamsTheResult() throws Exception {
        byte[] edited = UpstreamStub.png(64, 48);
        upstream().server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/images/edits"))
                .willReturn(ProviderKits.json(200, ProviderKits.openAiData(edited, 1))));
        byte[] first = UpstreamStub.png(32, 32);
        byte[] second = UpstreamStub.png(16, 16);
        byte[] mask = UpstreamStub.png(32, 32);
        Received received = receive(ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .editImage(imagegeneration.EditRequest.newBuilder().setRequest(request("Put them together"))
                        .addImages(com.google.protobuf.ByteString.copyFrom(first)).addImages(com.google.protobuf.ByteString.copyFrom(second))
                        .setMask(com.google.protobuf.ByteString.copyFrom(mask)).setInputFidelity("low").build()));
        assertArrayEquals(edited, received.images().get(0));
        assertEquals("done", received.kinds().get(received.kinds().size() - 1));
        var sent = upstream().server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/images/edits"))).get(0);
        assertEquals(2, sent.getParts().stream().filter(p -> p.getName().equals("image[]")).count());
        assertArrayEquals(mask, sent.getPart("mask").getBody().asBytes());
        assertEquals("low", sent.getPart("input_fidelity").getBody().asString());
        assertEquals(1, savedImages().size(), "the edit is saved, its inputs are not");
    }

    @Test
    void editImageRefusesWhatIsNotAnImage() {
        Iterator<ImageEvent> stream = ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .editImage(imagegeneration.EditRequest.newBuilder().setRequest(request("x"))
                        .addImages(com.google.protobuf.ByteString.copyFromUtf8("not an image")).build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
            while (stream.hasNext()) {
                stream.next();
            }
        });
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("not a PNG, JPEG or WebP"), e.getStatus().getDescription());
        assertEquals(0, upstreamCalls());
    }
}
