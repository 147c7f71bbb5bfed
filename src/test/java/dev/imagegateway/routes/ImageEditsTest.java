package dev.imagegateway.routes;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImagesResponse;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /v1/images/edits} through openai-java: two images and a mask go upstream as OpenAI's multipart edit and
 * the edited image comes back saved; images that are not images, or too large, are refused before anything is spent,
 * and no input image is ever written to the images folder.
 */
class ImageEditsTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("edits.max-request-bytes", Integer.toString(2 * 1024 * 1024));
    }

    private OpenAIClient sdk() {
        return OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl("http://localhost:" + httpPort() + "/v1").maxRetries(0).build();
    }

    @Test
    void twoImagesAndAMaskGoUpstreamAsOpenAisEditAndTheResultIsSaved() throws Exception {
        byte[] edited = UpstreamStub.png(64, 64);
        upstream().server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/images/edits"))
                .willReturn(ProviderKits.json(200, ProviderKits.openAiData(edited, 1))));
        byte[] first = UpstreamStub.png(32, 32);
        byte[] second = UpstreamStub.png(48, 32);
        byte[] mask = UpstreamStub.png(32, 32);
        OpenAIClient client = sdk();
        ImagesResponse response;
        try {
            response = client.images().edit(ImageEditParams.builder()
                    .image(ImageEditParams.Image.ofInputStreams(List.of(new ByteArrayInputStream(first), new ByteArrayInputStream(second))))
                    .mask(new ByteArrayInputStream(mask))
                    .prompt("Put both into one picture")
                    .model("gpt-image-2.6-flare")
                    .size(ImageEditParams.Size._1024X1024)
                    .inputFidelity(ImageEditParams.InputFidelity.HIGH)
                    .build());
        } finally {
            client.close();
        }
        byte[] answered = Base64.getDecoder().decode(response.data().orElseThrow().get(0).b64Json().orElseThrow());
        assertArrayEquals(edited, answered);
        List<LoggedRequest> calls = upstream().server().findAll(postRequestedFor(urlEqualTo("/v1/images/edits")));
        assertEquals(1, calls.size());
        LoggedRequest sent = calls.get(0);
        assertTrue(sent.getHeader("Content-Type").startsWith("multipart/form-data; boundary="));
        assertEquals("Bearer " + UpstreamStub.OPENAI_KEY, sent.getHeader("Authorization"));
        assertEquals("Put both into one picture", sent.getPart("prompt").getBody().asString());
        assertEquals("gpt-image-2.6-flare", sent.getPart("model").getBody().asString());
        assertEquals("high", sent.getPart("input_fidelity").getBody().asString());
        List<byte[]> images = sent.getParts().stream().filter(p -> p.getName().equals("image[]")).map(p -> p.getBody().asBytes()).toList();
        assertEquals(2, images.size());
        assertArrayEquals(first, images.get(0));
        assertArrayEquals(second, images.get(1));
        assertArrayEquals(mask, sent.getPart("mask").getBody().asBytes());
        // only the edited image is saved: the inputs never reach the images folder
        List<java.nio.file.Path> saved = savedImages();
        assertEquals(1, saved.size());
        assertArrayEquals(edited, Files.readAllBytes(saved.get(0)));
    }

    /** The form posted to /v1/images/edits as a browser or curl sends it. */
    private HttpResponse<String> postEdit(dev.imagegateway.provider.MultipartBody form) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/edits"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whatIsNotAnImageOrTooLargeIsRefusedBeforeAnyCall() throws Exception {
        dev.imagegateway.provider.MultipartBody notAnImage = new dev.imagegateway.provider.MultipartBody()
                .text("prompt", "edit this").file("image", "notes.png", "image/png", "just some text".getBytes());
        HttpResponse<String> refused = postEdit(notAnImage);
        assertEquals(400, refused.statusCode(), refused.body());
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertEquals("image", error.get("param").asText());
        assertTrue(error.get("message").asText().contains("not a PNG, JPEG or WebP"), refused.body());

        byte[] big = new byte[3 * 1024 * 1024];
        System.arraycopy(UpstreamStub.png(4, 4), 0, big, 0, 8);
        dev.imagegateway.provider.MultipartBody tooLarge = new dev.imagegateway.provider.MultipartBody()
                .text("prompt", "edit this").file("image", "big.png", "image/png", big);
        HttpResponse<String> large = postEdit(tooLarge);
        assertEquals(413, large.statusCode(), large.body());

        dev.imagegateway.provider.MultipartBody noImage = new dev.imagegateway.provider.MultipartBody().text("prompt", "edit this");
        HttpResponse<String> missing = postEdit(noImage);
        assertEquals(400, missing.statusCode(), missing.body());

        HttpResponse<String> json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + httpPort() + "/v1/images/edits")).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, json.statusCode(), json.body());
        assertEquals(0, upstream().server().getAllServeEvents().size(), "nothing was asked of the upstream");
        assertTrue(listImages().isEmpty());
    }

    @Test
    void aModelThatDoesNotEditIsRefusedNamingIt() throws Exception {
        dev.imagegateway.provider.MultipartBody form = new dev.imagegateway.provider.MultipartBody()
                .text("prompt", "edit this").text("model", "stable-image-core").file("image", "a.png", "image/png", UpstreamStub.png(8, 8));
        HttpResponse<String> refused = postEdit(form);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("model", JSON.readTree(refused.body()).get("error").get("param").asText());
    }
}
