package dev.imagegateway.gallery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import dev.imagegateway.AccessLog;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.ImageFormat;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code GET /images/{filename}}: a saved image, with the content type its bytes reveal. Only a plain name of an
 * image file directly in IMAGES_DIR is served: no separator, no dot segment, no hidden file (a half-written
 * {@code .writing-} one), no symbolic link, so no path outside the folder can be read whatever the name says.
 */
public class ImageFileReader implements org.apache.camel.Processor {

    /** Letters, digits, '_' and '-', one dot, an image extension: every name the gateway gives, and nothing that walks. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}\\.(png|jpg|jpeg|gif|webp|bmp)");

    private final Path directory;

    public ImageFileReader(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader("filename", String.class);
        Path file = resolve(name);
        exchange.setProperty(AccessLog.FILENAME, name);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw notFound();
        }
        ImageFormat format = ImageFormat.detect(bytes);
        if (format == null) {
            // something that is not an image under an image's name: not ours to serve
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

    /** The file a name stands for, or a 400 (not a name we give) or 404 (no such image). */
    Path resolve(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw GatewayException.invalid("filename", "Not an image file name");
        }
        Path file = directory.resolve(name).normalize();
        if (!directory.equals(file.getParent()) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw notFound();
        }
        return file;
    }

    private static GatewayException notFound() {
        return new GatewayException(ErrorKind.NOT_FOUND, "No such image");
    }
}
