package dev.imagegateway.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Ready only while IMAGES_DIR is a folder the gateway can write to: every image is saved there. */
public class ImagesFolderHealthCheck extends AbstractHealthCheck {

    private final Path dir;

    public ImagesFolderHealthCheck(Path dir) {
        super("gateway", "images-folder");
        this.dir = dir;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (Files.isDirectory(dir) && Files.isWritable(dir)) {
            builder.up();
        } else {
            builder.detail("reason", "images folder is not writable").down();
        }
    }
}
