package dev.imagegateway.pipeline;

import java.util.Iterator;
import java.util.List;

/**
 * What the shared generation route answers: the {@code n} images of one request, in the upstream's order. The
 * seed's doors ask for one and answer {@link #first()}; the OpenAI door answers them all. Iterable, so the saving
 * route splits it into files.
 */
public final class GeneratedImages implements Iterable<GeneratedImage> {

    /** Fields of the upstream's reply worth keeping beside the images (what it produced, what it used). */
    public static final java.util.Set<String> DETAILS = java.util.Set.of("usage", "background", "output_format", "quality", "size");

    private final List<GeneratedImage> images;
    private final com.fasterxml.jackson.databind.node.ObjectNode details;

    public GeneratedImages(List<GeneratedImage> images) {
        this(images, null);
    }

    /**
     * @param details the reply's {@link #DETAILS} fields ({@code usage} in tokens, the {@code size}, {@code quality},
     *                {@code background} and {@code output_format} it produced), or null when it gave none
     */
    public GeneratedImages(List<GeneratedImage> images, com.fasterxml.jackson.databind.node.ObjectNode details) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("A generation has at least one image");
        }
        this.images = List.copyOf(images);
        this.details = details == null || details.isEmpty() ? null : details;
    }

    /** What the upstream said about the generation (see {@link #DETAILS}), or null. */
    public com.fasterxml.jackson.databind.node.ObjectNode details() {
        return details;
    }

    /** The reply's token usage, or null when it gave none. */
    public com.fasterxml.jackson.databind.JsonNode usage() {
        return details == null ? null : details.get("usage");
    }

    public static GeneratedImages of(GeneratedImage... images) {
        return new GeneratedImages(List.of(images));
    }

    public GeneratedImage first() {
        return images.get(0);
    }

    public List<GeneratedImage> list() {
        return images;
    }

    public int size() {
        return images.size();
    }

    /** The names of the saved files, comma-separated, for the access log. */
    public String filenames() {
        return String.join(",", images.stream().filter(GeneratedImage::isSaved).map(GeneratedImage::filename).toList());
    }

    @Override
    public Iterator<GeneratedImage> iterator() {
        return images.iterator();
    }

    @Override
    public String toString() {
        return "GeneratedImages" + images;
    }
}
