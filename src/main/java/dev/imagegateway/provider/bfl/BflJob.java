package dev.imagegateway.provider.bfl;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.provider.Base64Images;
import dev.imagegateway.provider.LiveDeployment;
import dev.imagegateway.provider.ProviderCall;
import dev.imagegateway.provider.ProviderOptions;
import dev.imagegateway.provider.UpstreamDeadline;
import dev.imagegateway.provider.UpstreamErrors;
import dev.imagegateway.provider.UpstreamReply;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Black Forest Labs' FLUX API, an asynchronous job per image: {@code POST {base}/{model}} (base https://api.bfl.ai/v1,
 * key in {@code x-key}) answers {@code {"id", "polling_url"}}; {@code GET polling_url} answers {@code {"status", "result"}}
 * until the status is {@code Ready} and {@code result.sample} is a signed URL (valid 10 minutes) to download the image
 * from. Statuses {@code Request Moderated} and {@code Content Moderated} are policy refusals; {@code Error},
 * {@code Task not found} are failures. The polling URL is used as given (BFL: never rebuild it), the key sent only to
 * BFL's own hosts, never to the delivery host. Between polls the wait honours the call's deadline and a caller that
 * leaves: no poll starts after either. Sources: docs.bfl.ai API reference (FLUX.2 [pro], get_result), its errors and
 * integration guidelines: docs/design/provider-apis.md §4.
 */
public class BflJob {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLL = "gatewayBflPollingUrl";
    private static final String SAMPLE = "gatewayBflSample";
    /** Exchange property: true while the job is not ready (the route's poll loop runs while it is). */
    public static final String PENDING = "gatewayBflPending";

    /** Time between polls: BFL_POLL_INTERVAL_MS, read when a job starts (the environment, .env, application.properties). */
    static long pollIntervalMs(Exchange exchange) {
        String value = exchange.getContext().getPropertiesComponent().resolveProperty("bfl.poll-interval-ms").orElse("500").trim();
        try {
            return Math.max(10, Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting bfl.poll-interval-ms must be a whole number, not '" + value + "'");
        }
    }

    /** One job per image; FLUX takes pixels (multiples of 16), png or jpeg, and nothing else of OpenAI's. */
    public void plan(Exchange exchange) {
        GenerationRequest request = ProviderCall.request(exchange);
        ProviderOptions.generatesOnly(request, "Black Forest Labs", Set.of("png", "jpeg"), false);
        exchange.setProperty(ProviderCall.CALLS, request.count());
    }

    /** The job's submission. */
    public void submit(Exchange exchange) throws IOException {
        LiveDeployment deployment = ProviderCall.deployment(exchange);
        GenerationRequest request = ProviderCall.request(exchange);
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", request.prompt());
        int[] wh = dev.imagegateway.models.SizeRules.parse(request.size());
        if (wh != null) {
            body.put("width", wh[0] / 16 * 16);
            body.put("height", wh[1] / 16 * 16);
        }
        String format = request.options().get("output_format");
        body.put("output_format", format == null || "auto".equals(format) ? "png" : format);
        Message message = ProviderCall.aim(exchange, "POST", deployment.baseUrl() + "/" + ProviderCall.upstreamModel(exchange), "application/json");
        message.setBody(JSON.writeValueAsBytes(body));
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("x-key", deployment.apiKey());
    }

    /** The submission's answer: the URL to poll. */
    public void submitted(UpstreamReply reply, Exchange exchange) throws IOException {
        if (reply.status() != 200) {
            throw UpstreamErrors.of(reply, exchange);
        }
        JsonNode json = tree(reply);
        String url = json.path("polling_url").asText("");
        if (url.isEmpty() && !json.path("id").asText("").isEmpty()) {
            // FLUX.1 endpoints of old answered the id alone: the result is at get_result
            url = ProviderCall.deployment(exchange).baseUrl() + "/get_result?id=" + json.path("id").asText();
        }
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw UpstreamErrors.badResponse("Upstream accepted the job but gave no polling_url");
        }
        exchange.setProperty(POLL, url);
        exchange.setProperty(PENDING, true);
    }

    /** Waits the poll interval (or less, to the deadline), then aims the poll; nothing is sent once time is up. */
    public void poll(Exchange exchange) throws InterruptedException {
        long until = System.currentTimeMillis() + pollIntervalMs(exchange);
        while (true) {
            UpstreamDeadline.checkTimeLeft(exchange);
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            Thread.sleep(Math.min(left, 50));
        }
        String url = exchange.getProperty(POLL, String.class);
        Message message = ProviderCall.aim(exchange, "GET", url, "application/json");
        LiveDeployment deployment = ProviderCall.deployment(exchange);
        if (ownHost(url, deployment.baseUrl())) {
            message.setHeader("x-key", deployment.apiKey());
        }
    }

    /** A poll's answer: still pending, ready (the sample's URL kept), or the job's end as a failure. */
    public void polled(UpstreamReply reply, Exchange exchange) throws IOException {
        if (reply.status() != 200) {
            throw UpstreamErrors.of(reply, exchange);
        }
        JsonNode json = tree(reply);
        String status = json.path("status").asText("");
        switch (status) {
            case "Ready" -> {
                String sample = json.path("result").path("sample").asText("");
                if (!sample.startsWith("https://") && !sample.startsWith("http://")) {
                    throw UpstreamErrors.badResponse("Upstream's job is ready but names no image to download");
                }
                exchange.setProperty(SAMPLE, sample);
                exchange.setProperty(PENDING, false);
            }
            case "Pending", "Queued", "Processing", "Running" -> exchange.setProperty(PENDING, true);
            case "Request Moderated", "Content Moderated" -> throw UpstreamErrors.policy(
                    "Black Forest Labs' moderation refused the " + ("Request Moderated".equals(status) ? "request" : "image"), exchange);
            default -> throw new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "Upstream's job ended without an image (status "
                    + (status.matches("[A-Za-z ]{1,40}") ? status : "unknown") + ")", null, null, 502);
        }
    }

    /** The download of the finished image: no key goes to the delivery host. */
    public void download(Exchange exchange) {
        ProviderCall.aim(exchange, "GET", exchange.getProperty(SAMPLE, String.class), "image/*");
    }

    public GeneratedImages downloaded(UpstreamReply reply) {
        if (reply.status() != 200) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream's finished image could not be downloaded (HTTP "
                    + reply.status() + ")");
        }
        return new GeneratedImages(List.of(Base64Images.raw(reply.body())));
    }

    private static JsonNode tree(UpstreamReply reply) throws IOException {
        try {
            JsonNode json = JSON.readTree(reply.body());
            if (json == null || !json.isObject()) {
                throw UpstreamErrors.badResponse("Upstream returned a body that is not a JSON object");
            }
            return json;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream returned malformed JSON", null, e);
        }
    }

    /** The key goes to BFL's API hosts (regional ones too) and the deployment's own host, nowhere else. */
    static boolean ownHost(String url, String baseUrl) {
        String host = URI.create(url).getHost();
        String base = URI.create(baseUrl).getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals(base) || host.startsWith("api.") && (host.endsWith(".bfl.ai") || host.endsWith(".bfl.ml"));
    }
}
