package dev.imagegateway.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.ExchangeProperty;

/**
 * Names an image {@code {epochSeconds}_{12 hex}.{ext}} from the format its bytes reveal.
 * <p>
 * The hex part is a per-process counter pushed through a keyed bijection of 48-bit numbers (multiplications
 * by odd constants and xor-shifts, each invertible modulo 2^48): distinct counters give distinct names, so
 * concurrent requests in the same second never collide, and the names still look random. A name already taken on disk (another process,
 * an earlier run) is skipped, so an existing file is never overwritten.
 */
public class ImageFilenameBean {

    /** Exchange property with a stem reserved by {@link #nextStem()}. */
    public static final String STEM = "gatewayImageStem";

    private static final long MASK = (1L << 48) - 1;
    private static final long ODD_1 = 0x9E3779B97F4BL;
    private static final long ODD_2 = 0xC2B2AE3D27D5L;

    private final Path directory;
    private final Clock clock;
    private final long key;
    private final AtomicLong counter = new AtomicLong();

    public ImageFilenameBean(Path directory) {
        this(directory, Clock.systemUTC(), new SecureRandom().nextLong());
    }

    ImageFilenameBean(Path directory, Clock clock, long key) {
        this.directory = directory;
        this.clock = clock;
        this.key = key & MASK;
    }

    /**
     * Detects the format of each image and gives it its file name; bytes of no known format are an upstream failure.
     * A caller that must know the name before the image exists (the inbox journals it, to survive a crash) reserves
     * a stem with {@link #nextStem()} and passes it in the exchange property {@value #STEM}; it names the first image.
     */
    public GeneratedImages assign(GeneratedImages images, @ExchangeProperty(STEM) String stem) {
        java.util.List<GeneratedImage> named = new java.util.ArrayList<>(images.size());
        for (GeneratedImage image : images) {
            named.add(name(image, named.isEmpty() ? stem : null));
        }
        return new GeneratedImages(named, images.details());
    }

    /** Names one image, from the stem when one is given. */
    public GeneratedImage name(GeneratedImage image, String stem) {
        ImageFormat format = ImageFormat.detect(image.head(32));
        if (format == null) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream returned data that is not a known image format");
        }
        return image.named(format, stem != null ? stem + "." + format.extension() : nextName(format));
    }

    /** A name without extension that no image has, whatever its format. */
    public String nextStem() {
        while (true) {
            String stem = stem();
            if (directory == null || java.util.Arrays.stream(ImageFormat.values())
                    .noneMatch(f -> Files.exists(directory.resolve(stem + "." + f.extension())))) {
                return stem;
            }
        }
    }

    private String stem() {
        return clock.instant().getEpochSecond() + "_" + String.format("%012x", scramble(counter.getAndIncrement()));
    }

    private long scramble(long n) {
        // the key is added after a first multiplication, so keys close together do not give overlapping sequences
        long x = (n * ODD_1 + key) & MASK;
        x ^= x >>> 24;
        x = (x * ODD_2) & MASK;
        x ^= x >>> 21;
        return x;
    }

    public String nextName(ImageFormat format) {
        while (true) {
            String name = stem() + "." + format.extension();
            if (directory == null || !Files.exists(directory.resolve(name))) {
                return name;
            }
        }
    }
}
