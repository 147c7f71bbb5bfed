package dev.imagegateway.pipeline;

import java.nio.charset.StandardCharsets;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

/**
 * An image that went through the pipeline: its bytes (decoded once), the base64 text the client receives, its
 * detected format and the name it is saved under.
 * <p>
 * The base64 text is kept as the ASCII bytes it arrived in (for OpenAI, a slice of the upstream's reply), so it
 * goes back to the client as it came: never turned into a 2 MB Java string, never re-encoded. Identity equality on
 * purpose: hashing or printing megabytes by accident (a cache key, a log line) is what this class must not invite.
 */
public final class GeneratedImage {

    private final byte[] bytes;
    private final byte[] base64;
    private final int base64Offset;
    private final int base64Length;
    private final ImageFormat format;
    private final String filename;
    private final String revisedPrompt;

    private GeneratedImage(byte[] bytes, byte[] base64, int base64Offset, int base64Length, ImageFormat format, String filename,
                           String revisedPrompt) {
        this.bytes = bytes;
        this.base64 = base64;
        this.base64Offset = base64Offset;
        this.base64Length = base64Length;
        this.format = format;
        this.filename = filename;
        this.revisedPrompt = revisedPrompt;
    }

    /** An image and its base64 text, given as ASCII bytes {@code base64[offset, offset + length)}. */
    public static GeneratedImage of(byte[] bytes, byte[] base64, int offset, int length) {
        return new GeneratedImage(bytes, base64, offset, length, null, null, null);
    }

    /**
     * An image known only by its base64 text (the upstream's reply): it is never decoded whole into memory; its format
     * comes from its first bytes and the file is written by decoding as it goes ({@link #stream()}), so an image is held
     * once, as the text the client receives.
     */
    public static GeneratedImage ofBase64(byte[] base64, int offset, int length) {
        return new GeneratedImage(null, base64, offset, length, null, null, null);
    }

    public static GeneratedImage of(byte[] bytes, String base64) {
        byte[] ascii = base64.getBytes(StandardCharsets.ISO_8859_1);
        return of(bytes, ascii, 0, ascii.length);
    }

    public GeneratedImage named(ImageFormat detected, String name) {
        return new GeneratedImage(bytes, base64, base64Offset, base64Length, detected, name, revisedPrompt);
    }

    /** The same image, answered without a file: it could not be saved (the seed's empty filename). */
    public GeneratedImage unsaved() {
        return new GeneratedImage(bytes, base64, base64Offset, base64Length, format, "", revisedPrompt);
    }

    /** True when the image is on disk under {@link #filename()}. */
    public boolean isSaved() {
        return filename != null && !filename.isEmpty();
    }

    /** The same image with the prompt the model says it actually drew (dall-e-3 rewrites prompts). */
    public GeneratedImage withRevisedPrompt(String revised) {
        return new GeneratedImage(bytes, base64, base64Offset, base64Length, format, filename, revised);
    }

    /** The prompt as the model revised it, or null when it did not say. */
    public String revisedPrompt() {
        return revisedPrompt;
    }

    /** The image's bytes: those given, or decoded from the text now (a copy: for tests and small images). */
    public byte[] bytes() {
        return bytes != null ? bytes : java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(base64, base64Offset, base64Length)).array();
    }

    /** The first {@code n} bytes of the image (or all, when shorter), for recognising its format. */
    public byte[] head(int n) {
        if (bytes != null) {
            return java.util.Arrays.copyOf(bytes, Math.min(n, bytes.length));
        }
        int chars = Math.min(base64Length, ((n + 2) / 3) * 4);
        byte[] decoded = java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(base64, base64Offset, chars)).array();
        return decoded.length > n ? java.util.Arrays.copyOf(decoded, n) : decoded;
    }

    /** The image's size in bytes, from its text alone. */
    public long size() {
        if (bytes != null) {
            return bytes.length;
        }
        int padding = base64Length > 0 && base64[base64Offset + base64Length - 1] == '=' ? (base64Length > 1
                && base64[base64Offset + base64Length - 2] == '=' ? 2 : 1) : 0;
        return (long) base64Length / 4 * 3 - padding;
    }

    /** The image's bytes as a stream, decoded as they are read: what the file is written from. */
    public java.io.InputStream stream() {
        return bytes != null ? new java.io.ByteArrayInputStream(bytes) : new DecodingStream(base64, base64Offset, base64Length);
    }

    /**
     * Decodes base64 64 KiB at a time (the JDK's own decoding stream reads its source a byte at a time, which made
     * saving an image cost tens of milliseconds of CPU).
     */
    private static final class DecodingStream extends java.io.InputStream {
        private static final int CHARS = 64 * 1024; // a multiple of 4: whole base64 quanta per chunk
        private final byte[] text;
        private int at;
        private final int end;
        private java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(0);

        DecodingStream(byte[] text, int offset, int length) {
            this.text = text;
            this.at = offset;
            this.end = offset + length;
        }

        private boolean fill() {
            if (chunk.hasRemaining()) {
                return true;
            }
            if (at >= end) {
                return false;
            }
            int n = Math.min(CHARS, end - at);
            chunk = java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(text, at, n));
            at += n;
            return chunk.hasRemaining();
        }

        @Override
        public int read() {
            return fill() ? chunk.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.remaining());
            chunk.get(b, off, n);
            return n;
        }
    }

    public ImageFormat format() {
        return format;
    }

    public String filename() {
        return filename;
    }

    /** The base64 text as a string: a copy, for callers that need one (tests, small images). */
    public String base64() {
        return new String(base64, base64Offset, base64Length, StandardCharsets.ISO_8859_1);
    }

    /** The base64 text as a Netty buffer over the same bytes, without a copy (the REST reply). */
    public io.netty.buffer.ByteBuf base64ByteBuf() {
        return io.netty.buffer.Unpooled.wrappedBuffer(base64, base64Offset, base64Length);
    }

    /** The base64 text for a protobuf string field, without a copy (the bytes are never changed). */
    public ByteString base64ByteString() {
        return UnsafeByteOperations.unsafeWrap(base64, base64Offset, base64Length);
    }

    @Override
    public String toString() {
        return "GeneratedImage[" + (filename != null ? filename : format) + ", " + size() + " bytes]";
    }
}
