package dev.imagegateway.gallery;

import java.io.IOException;
import java.util.regex.Pattern;

import dev.imagegateway.AccessLog;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.ImageFormat;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code GET /images/{filename}}: a saved image (from the {@link ImageStore}: IMAGES_DIR or the bucket), with the
 * content type its bytes reveal. Only a name the gateway gives is looked up: no separator, no dot segment, no hidden
 * file (a half-written {@code .writing-} one), so no path outside the store can be read whatever the name says.
 */
public class ImageFileReader implements org.apache.camel.Processor {

    /** Letters, digits, '_' and '-', one dot, an image extension: every name the gateway gives, and nothing that walks. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}\\.(png|jpg|jpeg|gif|webp|bmp)");

    private final ImageStore store;

    public ImageFileReader(ImageStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader("filename", String.class);
        if (name == null || !NAME.matcher(name).matches()) {
            throw GatewayException.invalid("filename", "Not an image file name");
        }
        exchange.setProperty(AccessLog.FILENAME, name);
        byte[] bytes;
        try {
            bytes = store.read(name);
        } catch (IOException e) {
            // the store (the bucket) cannot be reached: worth a retry, not a 500
            org.slf4j.LoggerFactory.getLogger(ImageFileReader.class).warn("Image {} not read: {}", name, e.getMessage());
            throw new GatewayException(ErrorKind.OVERLOADED, "The image store cannot be reached; try again shortly", 5L, null);
        }
        ImageFormat format = bytes == null ? null : ImageFormat.detect(bytes);
        if (format == null) {
            // no such image, or something that is not an image under an image's name: not ours to serve
            throw notFound();
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, format.mediaType());
        // a name is never given twice, so the file behind it never changes; private: it took a key to get it
        message.setHeader("Cache-Control", "private, max-age=31536000, immutable");
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setBody(Buffer.buffer(bytes));
    }

    /** Whether a name is one this reader would serve (the gallery lists only those). */
    public static boolean isImageName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static GatewayException notFound() {
        return new GatewayException(ErrorKind.NOT_FOUND, "No such image");
    }
}
