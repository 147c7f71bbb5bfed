package dev.imagegateway.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.imagegateway.ops.GatewayMetrics;
import dev.imagegateway.ops.ImagesFolderHealthCheck;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A filename in a reply is a promise that the file is there. The images are saved by a wiretap (route save-image),
 * and the reply waits, bounded, until each one is written and renamed or has failed: a saved image keeps its name; one
 * that could not be saved in time gets an empty filename, as the seed answers when saving fails (and a request for
 * URLs fails instead of handing out a link that would never work). A failed write leaves no temporary file, and the
 * images folder's readiness check goes DOWN until a save succeeds again.
 */
public class ImageSaves {

    /** Exchange property: the {@link Pending} saves of the request's images, shared with the wiretapped copy. */
    public static final String PENDING = "gatewayPendingSaves";

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.save");

    private final Path imagesDir;
    private final long timeoutMs;
    private final GatewayMetrics metrics;
    private final ImagesFolderHealthCheck health;

    public ImageSaves(Path imagesDir, long timeoutMs, GatewayMetrics metrics, ImagesFolderHealthCheck health) {
        this.imagesDir = imagesDir;
        this.timeoutMs = timeoutMs;
        this.metrics = metrics;
        this.health = health;
    }

    /** The saves of one request: a countdown per image, and the names that were written. */
    public static final class Pending {
        private final CountDownLatch left;
        private final Set<String> saved = ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();

        Pending(int images) {
            this.left = new CountDownLatch(images);
        }

        void finished() {
            left.countDown();
            if (left.getCount() == 0) {
                done.complete(null);
            }
        }
    }

    /** Before the wiretap: one pending save per image; the reply's bytes are in use until every one is written. */
    public void open(Exchange exchange) {
        Pending pending = new Pending(exchange.getMessage().getBody(GeneratedImages.class).size());
        exchange.setProperty(PENDING, pending);
        dev.imagegateway.provider.ReplyBudget.holdUntil(exchange, pending.done);
    }

    /**
     * Save route, right after the file endpoint: the file holds every byte. (On a full disk the file producer was seen
     * to write part of an image, report no error and rename it into place: a truncated image under a final name.)
     */
    public void verify(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        GeneratedImage image = exchange.getProperty(dev.imagegateway.gallery.ImageMetadata.IMAGE, GeneratedImage.class);
        Path file = imagesDir.resolve(name);
        long written = Files.size(file);
        if (image != null && written != image.size()) {
            Files.deleteIfExists(file);
            throw new IOException("only " + written + " of " + image.size() + " bytes were written (is the disk full?)");
        }
    }

    /** Save route, after the image is in place (the file renamed, or the object put) and its metadata written. */
    public void saved(Exchange exchange) {
        GeneratedImage image = exchange.getProperty(dev.imagegateway.gallery.ImageMetadata.IMAGE, GeneratedImage.class);
        metrics.imageSaved(image == null ? 0 : image.size());
        health.saveSucceeded();
        Pending pending = exchange.getProperty(PENDING, Pending.class);
        if (pending != null) {
            // the image's own name: the folder's file endpoint and the bucket's both store it under that
            pending.saved.add(image != null ? image.filename() : exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class));
            pending.finished();
        }
    }

    /** Save route, when the write failed: no half-written temporary file stays behind. */
    public void failed(Exchange exchange) {
        GeneratedImage image = exchange.getProperty(dev.imagegateway.gallery.ImageMetadata.IMAGE, GeneratedImage.class);
        String name = image != null ? image.filename() : exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown error" : cause.getClass().getSimpleName()
                + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
        metrics.saveFailed();
        health.saveFailed(reason);
        if (name != null) {
            try {
                Files.deleteIfExists(imagesDir.resolve(".writing-" + name));
            } catch (IOException e) {
                LOG.debug("Could not remove the temporary file of {}: {}", name, e.getMessage());
            }
        }
        LOG.warn("Failed to save image {}: {}", name, dev.imagegateway.ops.LogText.escaped(reason));
        Pending pending = exchange.getProperty(PENDING, Pending.class);
        if (pending != null) {
            pending.finished();
        }
    }

    /**
     * After the wiretap: waits for every save, at most the save timeout, then answers the images with the names of
     * those on disk and an empty name for any other.
     */
    public GeneratedImages await(Exchange exchange) throws InterruptedException {
        GeneratedImages images = exchange.getMessage().getBody(GeneratedImages.class);
        Pending pending = exchange.getProperty(PENDING, Pending.class);
        if (pending == null) {
            return images;
        }
        if (!pending.left.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.warn("Saving {} image(s) took more than {} ms: answered without their file names", pending.left.getCount(), timeoutMs);
        }
        if (pending.saved.size() == images.size()) {
            return images;
        }
        List<GeneratedImage> answered = new ArrayList<>(images.size());
        for (GeneratedImage image : images) {
            answered.add(pending.saved.contains(image.filename()) ? image : image.unsaved());
        }
        return new GeneratedImages(answered, images.details());
    }
}
