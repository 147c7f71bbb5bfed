package dev.imagegateway.pipeline;

import java.util.Iterator;
import java.util.List;

/**
 * What the shared generation route answers: the {@code n} images of one request, in the upstream's order. The
 * seed's doors ask for one and answer {@link #first()}; the OpenAI door answers them all. Iterable, so the saving
 * route splits it into files.
 */
public final class GeneratedImages implements Iterable<GeneratedImage> {

    private final List<GeneratedImage> images;

    public GeneratedImages(List<GeneratedImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("A generation has at least one image");
        }
        this.images = List.copyOf(images);
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

    /** The file names, comma-separated, for the access log. */
    public String filenames() {
        return String.join(",", images.stream().map(GeneratedImage::filename).toList());
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
