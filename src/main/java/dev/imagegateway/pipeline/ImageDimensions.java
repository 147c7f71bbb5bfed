package dev.imagegateway.pipeline;

/**
 * The width and height an image file says it has, read from its first bytes (PNG's IHDR, WebP's VP8/VP8L/VP8X header,
 * JPEG's start-of-frame, GIF's screen descriptor): what a provider actually produced when the request said {@code auto}.
 */
public final class ImageDimensions {

    /** Bytes of an image's head that hold its size (a JPEG's frame header may follow large EXIF segments). */
    public static final int HEAD_BYTES = 128 * 1024;

    private ImageDimensions() {
    }

    /** {width, height}, or null when the head does not say. */
    public static int[] read(byte[] b) {
        if (b.length >= 24 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return of(int32(b, 16), int32(b, 20));
        }
        if (b.length >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return of(u16le(b, 6), u16le(b, 8));
        }
        if (b.length >= 30 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
            String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
            return switch (chunk) {
                case "VP8 " -> of(u16le(b, 26) & 0x3FFF, u16le(b, 28) & 0x3FFF);
                case "VP8L" -> {
                    int bits = (b[21] & 0xFF) | (b[22] & 0xFF) << 8 | (b[23] & 0xFF) << 16 | (b[24] & 0xFF) << 24;
                    yield of((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
                }
                case "VP8X" -> of(u24le(b, 24) + 1, u24le(b, 27) + 1);
                default -> null;
            };
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            int i = 2;
            while (i + 9 < b.length) {
                if ((b[i] & 0xFF) != 0xFF) {
                    return null;
                }
                int marker = b[i + 1] & 0xFF;
                if (marker == 0xFF) {
                    i++;
                    continue;
                }
                int length = (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
                boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
                if (frame) {
                    return of((b[i + 7] & 0xFF) << 8 | (b[i + 8] & 0xFF), (b[i + 5] & 0xFF) << 8 | (b[i + 6] & 0xFF));
                }
                i += 2 + length;
            }
        }
        return null;
    }

    private static int[] of(int width, int height) {
        return width > 0 && height > 0 ? new int[] {width, height} : null;
    }

    private static int int32(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    private static int u16le(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static int u24le(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
    }
}
