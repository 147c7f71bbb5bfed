package dev.imagegateway.pipeline;

import java.util.List;

/**
 * What an edit adds to a generation request: the images to edit (1 to 16: PNG, JPEG or WebP, by their bytes), an
 * optional mask (a PNG whose transparent pixels mark where to edit) and OpenAI's {@code input_fidelity}. The bytes are
 * held in memory for the call only: they are sent upstream, never written to IMAGES_DIR.
 */
public record EditInput(List<byte[]> images, byte[] mask, String inputFidelity) {

    public static final int MAX_IMAGES = 16;

    public EditInput {
        images = List.copyOf(images);
    }

    /** Bytes held: the images and the mask. */
    public long bytes() {
        return images.stream().mapToLong(i -> i.length).sum() + (mask == null ? 0 : mask.length);
    }
}
