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

    /** A real PNG of the given size. */
    public static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(width % 255, height % 255, 90));
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
