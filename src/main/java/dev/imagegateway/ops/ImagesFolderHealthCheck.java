package dev.imagegateway.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Ready only while images can be saved: IMAGES_DIR is a writable folder, and the last save did not fail (a full disk
 * leaves a folder "writable" while every image fails). After a failed save it stays DOWN, naming the folder and the
 * failure, until a save succeeds, or until a probe file of a megabyte can be written again (no traffic reaches an
 * instance that is not ready, so it must find out by itself).
 */
public class ImagesFolderHealthCheck extends AbstractHealthCheck {

    private static final int PROBE_BYTES = 1024 * 1024;

    private final Path dir;
    private volatile String lastFailure;

    public ImagesFolderHealthCheck(Path dir) {
        super("gateway", "images-folder");
        this.dir = dir;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    public void saveSucceeded() {
        lastFailure = null;
    }

    public void saveFailed(String reason) {
        lastFailure = reason;
    }

    private volatile dev.imagegateway.gallery.ImageStore shared;

    /** With the images in a shared store (a bucket), that store is what readiness checks. */
    public void checkStore(dev.imagegateway.gallery.ImageStore store) {
        this.shared = store.shared() ? store : null;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        dev.imagegateway.gallery.ImageStore store = shared;
        if (store != null) {
            String reason = store.unavailable();
            if (reason != null) {
                builder.detail("reason", reason).down();
            } else {
                builder.up();
            }
            return;
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            builder.detail("reason", "images folder " + dir + " is not writable").down();
            return;
        }
        String failure = lastFailure;
        if (failure != null && !probe()) {
            builder.detail("reason", "saving images in " + dir + " fails: " + failure).down();
            return;
        }
        lastFailure = null;
        builder.up();
    }

    /** Writes and removes a megabyte: true when the folder takes an image again. */
    private boolean probe() {
        Path probe = dir.resolve(".writing-health-probe");
        try {
            Files.write(probe, new byte[PROBE_BYTES]);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // a probe that cannot be removed is removed at the next start
            }
        }
    }
}
