package dev.imagegateway.routes;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** A stand-in for the OpenAI images API: WireMock on a free port, with the answers our tests need. */
public final class UpstreamStub {

    public static final String PATH = "/v1/images/generations";
    public static final String OPENAI_KEY = "sk-test-upstream-secret-0123456789";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    public UpstreamStub() {
        server.start();
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://localhost:" + server.port() + "/v1";
    }

    public void stop() {
        server.stop();
    }

    public void reset() {
        server.resetAll();
    }

    public void answer(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    public void answerImage(byte[] image) {
        answerJson(200, envelope(Base64.getEncoder().encodeToString(image)));
    }

    public void answerJson(int status, String json) {
        answer(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(json));
    }

    public static String envelope(String b64) {
        return "{\"created\":1704115200,\"data\":[{\"revised_prompt\":\"r\",\"b64_json\":\"" + b64 + "\"}]}";
    }

    public static String error(String message, String code) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    /** Models OpenAI lists on 2026-11-26 (GET /v1/models), with the shutdown dates it announces. */
    public static final String[][] OPENAI_MODELS_20261126 = {
        {"gpt-image-2.6-flare", null}, {"gpt-image-2.6-sunburst", null}, {"gpt-image-2.5-flare", null},
        {"gpt-image-2.5-flare-2026-09-08", null}, {"gpt-image-2.5-sunburst", null}, {"gpt-image-2.5-sunburst-2026-09-08", null},
        {"gpt-image-2", null}, {"gpt-image-2-2026-04-21", null}, {"gpt-image-1.5", "2026-12-01"},
        {"gpt-image-1.5-2025-12-16", "2026-12-01"}, {"gpt-image-1-mini", "2026-12-01"}, {"chatgpt-image-latest", "2026-12-01"}};

    /**
     * Behaves as OpenAI's images API did on 2026-11-26, as far as the gateway can tell: a shut-down model (dall-e-2,
     * dall-e-3, gpt-image-1) or one it never had is 404 {@code model_not_found}; {@code response_format} or {@code style}
     * sent to a GPT image model is 400 {@code unknown_parameter}; otherwise a PNG (a WebP when asked for one) with the
     * {@code usage}, {@code size}, {@code quality}, {@code background} and {@code output_format} the reply echoes; and
     * {@code GET /v1/models} lists {@link #OPENAI_MODELS_20261126}.
     */
    public void behaveLikeOpenAiOn20261126(byte[] png) {
        StringBuilder live = new StringBuilder();
        StringBuilder list = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < OPENAI_MODELS_20261126.length; i++) {
            String id = OPENAI_MODELS_20261126[i][0];
            String shutdown = OPENAI_MODELS_20261126[i][1];
            live.append(i == 0 ? "" : "|").append(java.util.regex.Pattern.quote(id));
            list.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"object\":\"model\",\"created\":1776729600,")
                    .append("\"owned_by\":\"system\",\"shutdown_date\":").append(shutdown == null ? "null" : "\"" + shutdown + "\"").append("}");
        }
        list.append(",{\"id\":\"gpt-6.1-sol\",\"object\":\"model\",\"created\":1780000000,\"owned_by\":\"system\"}]}");
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v1/models"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(list.toString())));
        // any model but today's: OpenAI's answer for a model it does not serve
        server.stubFor(post(urlEqualTo(PATH)).atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.not(
                        com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.matching(live.toString()))))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"The model does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}")));
        for (String legacy : new String[] {"response_format", "style"}) {
            server.stubFor(post(urlEqualTo(PATH)).atPriority(2)
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$." + legacy))
                    .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                            "{\"error\":{\"message\":\"Unknown parameter: '" + legacy + "'.\",\"type\":\"invalid_request_error\",\"param\":\""
                                    + legacy + "\",\"code\":\"unknown_parameter\"}}")));
        }
        server.stubFor(post(urlEqualTo(PATH)).atPriority(3)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.output_format", com.github.tomakehurst.wiremock.client.WireMock.equalTo("webp")))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(todaysReply(WEBP, "webp"))));
        server.stubFor(post(urlEqualTo(PATH)).atPriority(4)
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(todaysReply(png, "png"))));
    }

    /** A 1x1 lossless WebP. */
    public static final byte[] WEBP = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    private static String todaysReply(byte[] image, String format) {
        return "{\"created\":1795700000,\"background\":\"opaque\",\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(image)
                + "\"}],\"output_format\":\"" + format + "\",\"quality\":\"medium\",\"size\":\"1024x1024\","
                + "\"usage\":{\"input_tokens\":50,\"input_tokens_details\":{\"image_tokens\":0,\"text_tokens\":50},"
                + "\"output_tokens\":1056,\"total_tokens\":1106}}";
    }

    /** A real PNG of the given size. */
    public static byte[] png(int width, int height) {
        return png(width, height, new Color(width % 255, height % 255, 90));
    }

    /** A real PNG of the given size, all {@code color} (an image to edit, whose pixels a test can recognise). */
    public static byte[] png(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
