package dev.imagegateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The web console's static files, packed in the jar under {@code web/} and held in memory: {@code GET /} is the page,
 * {@code GET /console/{asset}} its script, style and icon. No CDN, no external font: the page works offline. The
 * page itself needs no key (it asks for one); everything it shows comes from the key-checked API.
 */
public class WebConsoleAssets implements Processor {

    /** Script and style from this server only, images also as data: and blob: URLs (the gallery fetches with a key). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, byte[]> files;

    public WebConsoleAssets() {
        this.files = Map.of("index.html", load("index.html"), "console.js", load("console.js"),
                "console.css", load("console.css"), "favicon.svg", load("favicon.svg"));
    }

    private static byte[] load(String name) {
        try (InputStream in = WebConsoleAssets.class.getClassLoader().getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("The jar lacks web/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void process(Exchange exchange) {
        String asset = exchange.getMessage().getHeader("asset", String.class);
        String name = asset == null ? "index.html" : asset;
        byte[] content = files.get(name);
        if (content == null) {
            throw new GatewayException(ErrorKind.NOT_FOUND, "No such file");
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, TYPES.get(name));
        // small files: revalidated on each load, so a new version of the gateway is seen at once
        message.setHeader("Cache-Control", "no-cache");
        message.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("X-Frame-Options", "DENY");
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setBody(Buffer.buffer(content));
    }
}
