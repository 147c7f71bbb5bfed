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

    /** An error's message, with the request's id when the fault is on the serving side (what to quote to an operator). */
    public static String messageWithId(Exchange exchange, GatewayException error) {
        String id = exchange.getProperty(dev.imagegateway.AccessLog.REQUEST_ID, String.class);
        return id != null && error.kind().httpStatus() >= 500 ? error.getMessage() + " (request id " + id + ")" : error.getMessage();
    }

    /**
     * The headers an error reply carries beside its body, whatever its shape: Retry-After, Allow on a 405, and
     * {@code x-should-retry}, which OpenAI's SDKs obey: true only where a client's retry can help (the gateway is
     * overloaded, shutting down, or the key over its own limit); false where the gateway already retried the upstream
     * as its policy allows, or the request itself is at fault, so that SDK retries do not multiply the gateway's.
     */
    public static void errorHeaders(Exchange exchange, GatewayException error) {
        boolean retry = error.kind() == ErrorKind.OVERLOADED
                || (error.kind() == ErrorKind.RATE_LIMITED && error.upstreamStatus() == 0);
        exchange.getMessage().setHeader("x-should-retry", Boolean.toString(retry));
        if (error.retryAfterSeconds() != null) {
            exchange.getMessage().setHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        if (error.kind() == ErrorKind.METHOD_NOT_ALLOWED) {
            exchange.getMessage().setHeader("Allow", RestMethodGuard.allowed(exchange));
        }
    }
}
