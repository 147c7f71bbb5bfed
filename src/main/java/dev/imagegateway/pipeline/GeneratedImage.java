package dev.imagegateway.pipeline;

/**
 * An image that went through the pipeline: its bytes (decoded once), the base64 text the client receives
 * (the upstream's own text, not re-encoded), its detected format and the name it is saved under.
 */
public record GeneratedImage(byte[] bytes, String base64, ImageFormat format, String filename) {

    public static GeneratedImage of(byte[] bytes, String base64) {
        return new GeneratedImage(bytes, base64, null, null);
    }

    public GeneratedImage named(ImageFormat detected, String name) {
        return new GeneratedImage(bytes, base64, detected, name);
    }
}
