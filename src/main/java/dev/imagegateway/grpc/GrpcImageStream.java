package dev.imagegateway.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.UnsafeByteOperations;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.ImageEvents;
import dev.imagegateway.pipeline.ImageFormat;
import dev.imagegateway.pipeline.ServedModel;
import imagegeneration.Done;
import imagegeneration.ImageChunk;
import imagegeneration.ImageEvent;
import imagegeneration.PartialImage;
import imagegeneration.Progress;
import imagegeneration.Usage;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The answer of {@code GenerateImageStream}: the pipeline's progress and partial images as they happen, then each
 * image as raw bytes in chunks of at most {@value #CHUNK} bytes (so a client with gRPC's default 4 MiB message limit
 * receives an image of any size), then {@code Done}. Each message waits until the client can take it (the call's
 * flow control), so a slow reader holds one chunk at a time, not the whole image, in the server's buffers.
 */
final class GrpcImageStream implements ImageEvents {

    static final int CHUNK = 1024 * 1024;

    private final StreamObserver<ImageEvent> observer;
    private final long startedNanos = System.nanoTime();
    private final int partialImages;
    private final Long deadlineMillis;

    GrpcImageStream(StreamObserver<ImageEvent> observer, int partialImages, Long deadlineMillis) {
        this.observer = observer;
        this.partialImages = partialImages;
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public int partialImages() {
        return partialImages;
    }

    @Override
    public void progress(String stage) {
        send(ImageEvent.newBuilder().setProgress(Progress.newBuilder().setStage(stage)
                .setElapsedMs(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos))).build());
    }

    @Override
    public void partialImage(int index, byte[] image) {
        ImageFormat format = ImageFormat.detect(image);
        send(ImageEvent.newBuilder().setPartialImage(PartialImage.newBuilder().setIndex(index)
                .setImage(UnsafeByteOperations.unsafeWrap(image)).setFormat(format == null ? "" : dev.imagegateway.pipeline.ImageFormat.name(format))).build());
    }

    /** The images in chunks, then Done, then the end of the stream. */
    void finish(GeneratedImages images, ServedModel model) {
        List<String> filenames = new ArrayList<>();
        int index = 0;
        for (GeneratedImage image : images) {
            byte[] bytes = image.bytes();
            String filename = image.filename() == null ? "" : image.filename();
            String format = image.format() == null ? "" : dev.imagegateway.pipeline.ImageFormat.name(image.format());
            for (int offset = 0; offset < bytes.length; offset += CHUNK) {
                int length = Math.min(CHUNK, bytes.length - offset);
                send(ImageEvent.newBuilder().setChunk(ImageChunk.newBuilder().setIndex(index).setFilename(filename)
                        .setFormat(format).setOffset(offset).setTotalBytes(bytes.length)
                        .setData(UnsafeByteOperations.unsafeWrap(bytes, offset, length))).build());
            }
            if (!filename.isEmpty()) {
                filenames.add(filename);
            }
            index++;
        }
        Done.Builder done = Done.newBuilder().addAllFilenames(filenames);
        if (model != null) {
            done.setModel(model.name());
            if (model.deployment() != null) {
                done.setProvider(model.provider()).setDeployment(model.deployment());
            }
        }
        com.fasterxml.jackson.databind.JsonNode usage = images.usage();
        if (usage != null) {
            done.setUsage(Usage.newBuilder().setInputTokens(usage.path("input_tokens").asLong(0))
                    .setOutputTokens(usage.path("output_tokens").asLong(0)));
        }
        send(ImageEvent.newBuilder().setDone(done).build());
        observer.onCompleted();
    }

    private synchronized void send(ImageEvent event) {
        awaitReady();
        observer.onNext(event);
    }

    /** Waits while the client's window is full; stops at its cancel or deadline. */
    private void awaitReady() {
        if (!(observer instanceof ServerCallStreamObserver<ImageEvent> call)) {
            return;
        }
        while (!call.isReady()) {
            if (call.isCancelled()) {
                throw new GatewayException(ErrorKind.CANCELLED, "The client cancelled the call");
            }
            if (deadlineMillis != null && System.currentTimeMillis() >= deadlineMillis) {
                throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "The client's deadline passed while it was sent the image");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GatewayException(ErrorKind.CANCELLED, "Interrupted while the image was sent");
            }
        }
    }
}
