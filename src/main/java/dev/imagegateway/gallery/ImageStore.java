package dev.imagegateway.gallery;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where the saved images and what each was made from are kept: IMAGES_DIR on this machine ({@link FolderImageStore}),
 * or an S3-compatible bucket several gateways share ({@link BucketImageStore}). Images are written by the save route
 * (a {@code file:} or {@code aws2-s3:} endpoint); this is what reads them back (GET /images/{name}, the gallery) and
 * keeps their metadata.
 */
public interface ImageStore {

    /** One saved image: its name, when it was written, its size. */
    record Entry(String name, long modified, long bytes) {
    }

    /** Every saved image, in no order (only names {@link ImageFileReader#isImageName} accepts). */
    void forEach(Consumer<Entry> each) throws IOException;

    /** The image's entry, or null when there is none. */
    Entry entry(String name) throws IOException;

    /** The image's bytes, or null when there is none. */
    byte[] read(String name) throws IOException;

    /** Whether the image is saved; a store that cannot be asked throws (it must not pass for "not saved": paid again). */
    default boolean exists(String name) {
        try {
            return entry(name) != null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The saved image whose name has this stem (a name reserved before the image existed, as a batch line's), in any of
     * the formats a name may end with; null when there is none. A store that cannot be asked throws, as {@link #exists}.
     */
    default String savedUnder(String stem) {
        if (stem == null) {
            return null;
        }
        for (dev.imagegateway.pipeline.ImageFormat format : dev.imagegateway.pipeline.ImageFormat.values()) {
            String name = stem + "." + format.extension();
            if (exists(name)) {
                return name;
            }
        }
        return null;
    }

    /** Keeps what {@code name} was made from (JSON), replacing what was kept before. */
    void writeMetadata(String name, byte[] json) throws IOException;

    /** What {@code name} was made from, or null. */
    byte[] readMetadata(String name) throws IOException;

    /** A URL a client fetches the image from without the gateway (a presigned one), or null: through GET /images. */
    default String directUrl(String name) {
        return null;
    }

    /** Null when images can be saved here now, else why not (readiness); null by default (the folder has its own check). */
    default String unavailable() {
        return null;
    }

    /** True when the store is shared by several gateways (a bucket), not a folder of this machine. */
    default boolean shared() {
        return false;
    }

    /** Where the images are, for the start-up summary. */
    String describe();
}
