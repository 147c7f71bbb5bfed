package dev.imagegateway.provider;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's error answer as the gateway's error contract, one table for every provider: the request refused (400,
 * 422, a policy refusal) is the client's 400 with the upstream's reason; a rate limit 429 with its Retry-After; refused
 * credentials or credit (401, 402, 403) a configuration error, 502, logged for the operator; anything else 502 with the
 * status. Messages are passed on, but never anything that looks like a key.
 */
public final class UpstreamErrors {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamErrors.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern KEY_LIKE = Pattern.compile("sk-[A-Za-z0-9_*\\-]{4,}");
    private static final long MAX_RETRY_AFTER_SECONDS = 3600;

    private UpstreamErrors() {
    }

    /** The message, param and code an error body carries, in whichever shape the provider uses; any may be null. */
    public record Detail(String message, String param, String code) {
        public static final Detail NONE = new Detail(null, null, null);
    }

    /** The failure {@code reply} (not 2xx) means, its message read from the body. */
    public static GatewayException of(UpstreamReply reply, Exchange exchange) {
        return of(reply, read(reply.body()), exchange);
    }

    public static GatewayException of(UpstreamReply reply, Detail detail, Exchange exchange) {
        LiveDeployment deployment = exchange == null ? null : ProviderCall.deployment(exchange);
        return map(reply.status(), sanitize(detail.message(), deployment == null ? null : deployment.apiKey()),
                reply.retryAfter(), detail.param(), detail.code(), deployment);
    }

    /** The contract's failure for an upstream status; {@code detail} already sanitized. */
    public static GatewayException map(int status, String detail, String retryAfter, String param, String code,
                                       LiveDeployment deployment) {
        if (status == 429) {
            return new GatewayException(ErrorKind.RATE_LIMITED,
                    detail != null ? detail : "Upstream rate limit reached", retryAfterSeconds(retryAfter), null, status);
        }
        if (status == 400 || status == 422) {
            // the upstream's verdict on the request itself (a safety rejection above all): its param and code go along
            return new GatewayException(ErrorKind.INVALID_ARGUMENT, detail != null ? detail : "Upstream rejected the request",
                    null, null, status, token(param), token(code));
        }
        if (status == 404 && "model_not_found".equals(code)) {
            // a model passed through that the upstream does not serve (or no longer does): the client's to fix
            return new GatewayException(ErrorKind.NOT_FOUND, detail != null ? detail : "The upstream does not serve this model",
                    null, null, status, "model", "model_not_found");
        }
        if (status == 401 || status == 402 || status == 403) {
            LOG.error("Configuration error: {} refused the gateway's credentials or account (HTTP {}). Check its key{}.",
                    deployment == null ? "the upstream" : "deployment " + deployment.name() + " (" + deployment.provider() + ")",
                    status, deployment == null || deployment.spec().apiKey() == null ? "" : " (" + deployment.spec().apiKey() + ")");
            return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, status == 402 ? "Upstream account has no credit left"
                    : "Upstream refused the gateway's credentials", null, null, status);
        }
        LOG.warn("Upstream answered HTTP {}{}", status, detail != null ? ": " + detail : "");
        String text = "Upstream error (HTTP " + status + ")" + (detail != null ? ": " + detail : "");
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, text, retryAfterSeconds(retryAfter), null, status);
    }

    /** A content-policy refusal: the client's 400, never failed over (another provider would refuse it too, or should). */
    public static GatewayException policy(String message, Exchange exchange) {
        LiveDeployment deployment = exchange == null ? null : ProviderCall.deployment(exchange);
        String clean = sanitize(message, deployment == null ? null : deployment.apiKey());
        return new GatewayException(ErrorKind.INVALID_ARGUMENT, clean != null ? clean
                : "The provider's safety system refused the request", null, null, 400, "prompt", "content_policy_violation");
    }

    /**
     * The message of an error body: {@code error.message} (OpenAI, Azure, Google), {@code errors[0]} with {@code name}
     * as code (Stability), {@code detail} (BFL, FastAPI), {@code message}, or {@code error} as a string.
     */
    public static Detail read(byte[] body) {
        if (body == null || body.length == 0) {
            return Detail.NONE;
        }
        String message = null;
        String param = null;
        String code = null;
        try (JsonParser json = JSON.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return Detail.NONE;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("error".equals(field) && value == JsonToken.START_OBJECT) {
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = json.currentName();
                        JsonToken innerValue = json.nextToken();
                        if (innerValue != JsonToken.VALUE_STRING) {
                            json.skipChildren();
                        } else if ("message".equals(inner)) {
                            message = json.getText();
                        } else if ("param".equals(inner)) {
                            param = json.getText();
                        } else if ("code".equals(inner) || "status".equals(inner) && code == null) {
                            code = json.getText();
                        }
                    }
                } else if ("errors".equals(field) && value == JsonToken.START_ARRAY) {
                    while (json.nextToken() != JsonToken.END_ARRAY) {
                        if (json.currentToken() == JsonToken.VALUE_STRING && message == null) {
                            message = json.getText();
                        } else {
                            json.skipChildren();
                        }
                    }
                } else if (value == JsonToken.VALUE_STRING && message == null
                        && ("detail".equals(field) || "message".equals(field) || "error".equals(field))) {
                    message = json.getText();
                } else if (value == JsonToken.VALUE_STRING && "name".equals(field)) {
                    code = json.getText();
                } else {
                    json.skipChildren();
                }
            }
        } catch (IOException e) {
            // an error body that is not JSON: the status alone tells the story
        }
        return new Detail(message, param, code);
    }

    /** Upstream messages are passed on, but never anything that looks like a key. */
    public static String sanitize(String message, String apiKey) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String clean = message;
        if (apiKey != null && apiKey.length() >= 4) {
            clean = clean.replace(apiKey, "***");
        }
        clean = KEY_LIKE.matcher(clean).replaceAll("sk-***");
        return clean.length() > 1000 ? clean.substring(0, 1000) + "..." : clean;
    }

    /** A short identifier from the upstream (a field name, an error code), or null for anything else. */
    static String token(String value) {
        return value != null && value.matches("[A-Za-z0-9_.\\-\\[\\]]{1,64}") ? value : null;
    }

    /** Retry-After as seconds or an HTTP date, capped; null when absent or unreadable. */
    public static Long retryAfterSeconds(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                long seconds = Duration.between(ZonedDateTime.now(when.getZone()), when).toSeconds();
                return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, seconds));
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** A reply that is not a usable image. */
    public static GatewayException badResponse(String message) {
        return new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, message);
    }
}
