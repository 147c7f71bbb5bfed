package dev.imagegateway.pipeline;

/**
 * The image formats we recognise by their magic bytes, as the seed's image_utils did.
 */
public enum ImageFormat {
    PNG("png", "image/png"),
    JPEG("jpg", "image/jpeg"),
    GIF("gif", "image/gif"),
    WEBP("webp", "image/webp"),
    BMP("bmp", "image/bmp");

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private final String extension;
    private final String mediaType;

    ImageFormat(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    public String extension() {
        return extension;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format a file name's extension names ({@code .jpeg} as well as {@code .jpg}), or null. */
    public static ImageFormat ofFileName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        String extension = name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
        for (ImageFormat format : values()) {
            if (format.extension.equals(extension)) {
                return format;
            }
        }
        return extension.equals("jpeg") ? JPEG : null;
    }

    /** The format's name as OpenAI's output_format says it: png, jpeg, webp (the file extension of JPEG is jpg). */
    public static String name(ImageFormat format) {
        return format == JPEG ? "jpeg" : format.extension();
    }

    /** The format the bytes start with, or null when they are no image we know. */
    public static ImageFormat detect(byte[] b) {
        if (b == null) {
            return null;
        }
        if (startsWith(b, 0, PNG_MAGIC)) {
            return PNG;
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (startsWith(b, 0, ascii("GIF87a")) || startsWith(b, 0, ascii("GIF89a"))) {
            return GIF;
        }
        if (b.length >= 12 && startsWith(b, 0, ascii("RIFF")) && startsWith(b, 8, ascii("WEBP"))) {
            return WEBP;
        }
        // "BM" alone is two printable letters: also require a plausible header size
        if (b.length >= 26 && b[0] == 'B' && b[1] == 'M') {
            return BMP;
        }
        return null;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] b, int offset, byte[] magic) {
        if (b.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b[offset + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
