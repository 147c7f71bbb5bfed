package dev.imagegateway.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Writes a flat JSON object of string fields as the HTTP reply, with nothing of the request echoed back. */
public final class JsonResponses {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonResponses() {
    }

    public static void reply(Exchange exchange, int status, String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                json.writeStringField(namesAndValues[i], namesAndValues[i + 1]);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        replyRaw(exchange, status, Buffer.buffer(out.toByteArray()));
    }

    /**
     * Replies with a JSON body already written. A Vert.x buffer goes out as it is; platform-http would turn a
     * byte[] into a stream and copy it out in small chunks.
     */
    public static void replyRaw(Exchange exchange, int status, Buffer json) {
        Message message = exchange.getMessage();
        // every request header (X-API-KEY above all) and every Camel header would otherwise go back to the client
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json);
    }

    /** The headers an error reply carries beside its body, whatever its shape: Retry-After, and Allow on a 405. */
    public static void errorHeaders(Exchange exchange, GatewayException error) {
        if (error.retryAfterSeconds() != null) {
            exchange.getMessage().setHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        if (error.kind() == ErrorKind.METHOD_NOT_ALLOWED) {
            exchange.getMessage().setHeader("Allow", RestMethodGuard.allowed(exchange));
        }
    }
}
