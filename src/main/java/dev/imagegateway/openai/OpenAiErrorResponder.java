package dev.imagegateway.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.rest.JsonResponses;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * OpenAI-compatible door's side of the error contract: the status {@link ErrorMapper} decides, in OpenAI's shape
 * {@code {"error": {"message", "type", "param", "code"}}}, so OpenAI's SDKs raise their usual exception types
 * (400 BadRequest, 401 Authentication, 429 RateLimit, 5xx InternalServer...).
 */
public class OpenAiErrorResponder implements Processor {

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public void process(Exchange exchange) {
        GatewayException error = ErrorMapper.map(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        if (exchange.getProperty(dev.imagegateway.pipeline.ImageEvents.PROPERTY) instanceof OpenAiSseStream stream) {
            stream.close();
            if (stream.started()) {
                // the 200 and its events are out: the failure is the stream's last event
                stream.fail(error, body(error, JsonResponses.messageWithId(exchange, error)));
                return;
            }
        }
        JsonResponses.replyRaw(exchange, error.kind().httpStatus(), Buffer.buffer(body(error, JsonResponses.messageWithId(exchange, error))));
        JsonResponses.errorHeaders(exchange, error);
    }

    static byte[] body(GatewayException error) {
        return body(error, error.getMessage());
    }

    static byte[] body(GatewayException error, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("message", message);
            json.writeStringField("type", type(error.kind()));
            json.writeStringField("param", error.param());
            json.writeStringField("code", error.code() != null ? error.code() : code(error.kind()));
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** OpenAI's error types: the client's mistakes, rate limits, and failures on the serving side. */
    static String type(ErrorKind kind) {
        return switch (kind) {
            case RATE_LIMITED -> "requests";
            // what OpenAI itself answers when an account's credit runs out
            case QUOTA_EXCEEDED -> "insufficient_quota";
            case UPSTREAM_BAD_RESPONSE, UPSTREAM_UNAVAILABLE, OVERLOADED, UPSTREAM_TIMEOUT, INTERNAL, CANCELLED -> "server_error";
            default -> "invalid_request_error";
        };
    }

    /** A code for each kind, where the failure itself gave none; null for a plain invalid request, as OpenAI does. */
    static String code(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> null;
            case UNAUTHENTICATED -> "invalid_api_key";
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case PAYLOAD_TOO_LARGE -> "request_too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case RATE_LIMITED -> "rate_limit_exceeded";
            case QUOTA_EXCEEDED -> "insufficient_quota";
            case FORBIDDEN -> "model_not_allowed";
            case UPSTREAM_BAD_RESPONSE -> "upstream_bad_response";
            case UPSTREAM_UNAVAILABLE -> "upstream_unavailable";
            case OVERLOADED -> "overloaded";
            case CANCELLED -> "cancelled";
            case UPSTREAM_TIMEOUT -> "upstream_timeout";
            case INTERNAL -> "internal_error";
        };
    }
}
