package dev.imagegateway.routes;

import java.util.Base64;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * A WireMock stand-in for each provider, shaped as its documented API (docs/design/provider-apis.md): where its
 * requests go, how it answers an image, an error, a rate limit and a policy refusal. The conformance suite runs the
 * same scenarios against every kit; a new provider starts by adding its kit here and its model to {@link #catalog}.
 */
public final class ProviderKits {

    private ProviderKits() {
    }

    /** One provider as the suite sees it. */
    public abstract static class Kit {
        final String provider;
        final String model;
        final String deployment;

        Kit(String provider, String model, String deployment) {
            this.provider = provider;
            this.model = model;
            this.deployment = deployment;
        }

        /** The catalog entry (under {@code models:}) of this kit's model, at the stub's base URL. */
        abstract String catalogEntry(String base);

        /** The path (and query) of the call that asks for an image. */
        abstract String generatePath();

        /** The provider's reply carrying {@code count} images (each {@code png}) for one call. */
        abstract ResponseDefinitionBuilder imageReply(String base, byte[] png, int count);

        /** Images one call makes when a request asks for n: n (the provider takes n) or 1 (one call per image). */
        abstract int imagesPerCall(int n);

        /** The provider's own policy refusal, as it answers one. */
        abstract ResponseDefinitionBuilder policyRefusal();

        /** The provider's answer to a key it does not accept. */
        ResponseDefinitionBuilder badKey() {
            return aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":{\"message\":\"Invalid API key\",\"code\":401}}");
        }

        /** An option (field, value) the provider cannot express, or null when it takes all of OpenAI's. */
        String[] unsupportedOption() {
            return null;
        }

        /** Checks the call the gateway made: path, auth header, body. */
        abstract void verifyRequest(LoggedRequest request, String prompt);

        /** Stubs an image reply for every call (and the extra calls of an asynchronous provider). */
        void stubImages(WireMockServer server, String base, byte[] png, int count) {
            server.stubFor(post(urlEqualTo(generatePath())).willReturn(imageReply(base, png, count)));
        }

        /** Stubs the generate call to answer {@code response}. */
        void stubGenerate(WireMockServer server, ResponseDefinitionBuilder response) {
            server.stubFor(post(urlEqualTo(generatePath())).willReturn(response));
        }

        /** Stubs what a policy refusal takes (for BFL: a job whose poll says it was moderated). */
        void stubPolicy(WireMockServer server, String base) {
            stubGenerate(server, policyRefusal());
        }

        @Override
        public String toString() {
            return provider + (deployment.equals(provider) ? "" : " (" + deployment + ")");
        }
    }

    static String b64(byte[] png) {
        return Base64.getEncoder().encodeToString(png);
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    static String openAiData(byte[] png, int count) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < count; i++) {
            data.append(i == 0 ? "" : ",").append("{\"b64_json\":\"").append(b64(png)).append("\"}");
        }
        return "{\"created\":1764115200,\"data\":[" + data + "]}";
    }

    /** OpenAI's images API: https://platform.openai.com/docs/api-reference/images/create. */
    static final class OpenAi extends Kit {
        OpenAi() {
            super("openai", "conf-openai", "openai-conf");
        }

        String catalogEntry(String base) {
            return "  conf-openai:\n    deployments:\n      - {name: openai-conf, provider: openai, base_url: " + base
                    + "/openai/v1, api_key: env:CONF_OPENAI_KEY, upstream_model: gpt-image-2.6-flare}\n";
        }

        String generatePath() {
            return "/openai/v1/images/generations";
        }

        ResponseDefinitionBuilder imageReply(String base, byte[] png, int count) {
            return json(200, openAiData(png, count));
        }

        int imagesPerCall(int n) {
            return n;
        }

        ResponseDefinitionBuilder policyRefusal() {
            return json(400, "{\"error\":{\"message\":\"Your request was rejected as a result of our safety system.\","
                    + "\"type\":\"invalid_request_error\",\"param\":\"prompt\",\"code\":\"content_policy_violation\"}}");
        }

        void verifyRequest(LoggedRequest request, String prompt) {
            check(request.getHeader("Authorization").equals("Bearer k-openai"), "Bearer key");
            check(request.getBodyAsString().contains("\"model\":\"gpt-image-2.6-flare\""), "model id");
            check(request.getBodyAsString().contains("\"prompt\":\"" + prompt + "\""), "prompt");
        }
    }

    /** Any server with OpenAI's images API and no key (LocalAI, vLLM). */
    static final class OpenAiCompatible extends Kit {
        OpenAiCompatible() {
            super("openai-compatible", "conf-compatible", "localai");
        }

        String catalogEntry(String base) {
            return "  conf-compatible:\n    deployments:\n      - {name: localai, provider: openai-compatible, base_url: " + base
                    + "/compat/v1, upstream_model: stablediffusion}\n";
        }

        String generatePath() {
            return "/compat/v1/images/generations";
        }

        ResponseDefinitionBuilder imageReply(String base, byte[] png, int count) {
            return json(200, openAiData(png, count));
        }

        int imagesPerCall(int n) {
            return n;
        }

        ResponseDefinitionBuilder policyRefusal() {
            return json(400, "{\"error\":{\"message\":\"blocked\",\"code\":\"content_policy_violation\"}}");
        }

        void verifyRequest(LoggedRequest request, String prompt) {
            check(!request.containsHeader("Authorization"), "no Authorization without a key");
            check(request.getBodyAsString().contains("\"model\":\"stablediffusion\""), "model id");
        }
    }

    /** Azure OpenAI, deployment path with api-version and the api-key header. */
    static final class Azure extends Kit {
        Azure() {
            super("azure-openai", "conf-azure", "azure-eastus");
        }

        String catalogEntry(String base) {
            return "  conf-azure:\n    deployments:\n      - {name: azure-eastus, provider: azure-openai, base_url: " + base
                    + "/azure, api_key: env:CONF_AZURE_KEY, upstream_model: img-deploy, api_version: 2025-04-01-preview}\n";
        }

        String generatePath() {
            return "/azure/openai/deployments/img-deploy/images/generations?api-version=2025-04-01-preview";
        }

        ResponseDefinitionBuilder imageReply(String base, byte[] png, int count) {
            return json(200, openAiData(png, count));
        }

        int imagesPerCall(int n) {
            return n;
        }

        ResponseDefinitionBuilder policyRefusal() {
            return json(400, "{\"created\":1764115200,\"error\":{\"code\":\"contentFilter\","
                    + "\"message\":\"Your task failed as a result of our safety system.\"}}");
        }

        void verifyRequest(LoggedRequest request, String prompt) {
            check("k-azure".equals(request.getHeader("api-key")), "api-key header");
            check(!request.containsHeader("Authorization"), "no Bearer header");
        }
    }

    /** Google's Gemini API, a Gemini image model through generateContent. */
    static final class Gemini extends Kit {
        Gemini() {
            super("google", "conf-gemini", "gemini-conf");
        }

        String catalogEntry(String base) {
            return "  conf-gemini:\n    deployments:\n      - {name: gemini-conf, provider: google, base_url: " + base
                    + "/google/v1beta, api_key: env:CONF_GOOGLE_KEY, upstream_model: gemini-3.1-flash-image}\n";
        }

        String generatePath() {
            return "/google/v1beta/models/gemini-3.1-flash-image:generateContent";
        }

        ResponseDefinitionBuilder imageReply(String base, byte[] png, int count) {
            return json(200, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Here it is\"},{\"inlineData\":"
                    + "{\"mimeType\":\"image/png\",\"data\":\"" + b64(png) + "\"}}],\"role\":\"model\"},\"finishReason\":\"STOP\"}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":1290,\"totalTokenCount\":1299}}");
        }

        int imagesPerCall(int n) {
            return 1;
        }

        ResponseDefinitionBuilder policyRefusal() {
            return json(200, "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}");
        }

        String[] unsupportedOption() {
            return new String[] {"background", "transparent"};
        }

        void verifyRequest(LoggedRequest request, String prompt) {
            check("k-google".equals(request.getHeader("x-goog-api-key")), "x-goog-api-key");
            String body = request.getBodyAsString();
            check(body.contains("\"responseModalities\":[\"IMAGE\"]"), "image modality");
            check(body.contains("\"aspectRatio\":\"16:9\"") && body.contains("\"imageSize\":\"2K\""), "1536x864 as 16:9 at 2K: " + body);
            check(body.contains("\"text\":\"" + prompt + "\""), "prompt");
        }
    }

    /** Google Imagen through predict (the Gemini API's shape until its shutdown; Vertex's still). */
    static final class Imagen extends Kit {
        Imagen() {
            super("google", "conf-imagen", "imagen-conf");
        }

        String catalogEntry(String base) {
            return "  conf-imagen:\n    deployments:\n      - {name: imagen-conf, provider: google, base_url: " + base
                    + "/google/v1beta, api_key: env:CONF_GOOGLE_KEY, upstream_model: imagen-4.0-generate-001}\n";
        }

        String generatePath() {
            return "/google/v1beta/models/imagen-4.0-generate-001:predict";
        }

        ResponseDefinitionBuilder imageReply(String base, byte[] png, int count) {
            StringBuilder predictions = new StringBuilder();
            for (int i = 0; i < count; i++) {
                predictions.append(i == 0 ? "" : ",").append("{\"bytesBase64Encoded\":\"").append(b64(png))
                        .append("\",\"mimeType\":\"image/png\"}");
            }
            return json(200, "{\"predictions\":[" + predictions + "]}");
        }

        int imagesPerCall(int n) {
            return n;
        }

        ResponseDefinitionBuilder policyRefusal() {
            return json(200, "{\"predictions\":[{\"raiFilteredReason\":\"The prompt was blocked\"}]}");
        }

        String[] unsupportedOption() {
            return new String[] {"quality", "high"};
        }

        void verifyRequest(LoggedRequest request, String prompt) {
            check("k-google".equals(request.getHeader("x-goog-api-key")), "x-goog-api-key");
            String body = request.getBodyAsString();
            check(body.contains("\"instances\":[{\"prompt\":\"" + prompt + "\"}]"), "instances: " + body);
            check(body.contains("\"sampleCount\":1") && body.contains("\"aspectRatio\":\"16:9\""), "parameters: " + body);
        }
    }

    /** Stability AI's Stable Image Core: multipart in, JSON with base64 out. */
    static final class Stability extends Kit {
        Stability() {
            super("stability", "conf-stability", "stability-conf");
        }

        String catalogEntry(String base) {
            return "  conf-stability:\n    deployments:\n      - {name: stability-conf, provider: stability, base_url: " + base
                    + "/stability, api_key: env:CONF_STABILITY_KEY, upstream_model: stable-image-core}\n";
        }

        String generatePath() {
            return "/stability/v2beta/stable-image/generate/core";
        }

        ResponseDefinitionBuilder imageReply(String base, byte[] png, int count) {
            return json(200, "{\"image\":\"" + b64(png) + "\",\"finish_reason\":\"SUCCESS\",\"seed\":343940597}");
        }

        int imagesPerCall(int n) {
            return 1;
        }

        ResponseDefinitionBuilder policyRefusal() {
            return json(403, "{\"id\":\"ed14db44\",\"name\":\"content_moderation\",\"errors\":[\"Your request was flagged by "
                    + "our content moderation system, as a result your request was denied and you were not charged.\"]}");
        }

        ResponseDefinitionBuilder badKey() {
            return json(401, "{\"id\":\"9160aa70\",\"name\":\"unauthorized\",\"errors\":[\"authorization: invalid or missing header value\"]}");
        }

        String[] unsupportedOption() {
            return new String[] {"quality", "high"};
        }

        void verifyRequest(LoggedRequest request, String prompt) {
            check("Bearer k-stability".equals(request.getHeader("Authorization")), "Bearer key");
            check("application/json".equals(request.getHeader("Accept")), "JSON reply asked for");
            check(request.getHeader("Content-Type").startsWith("multipart/form-data; boundary="), "multipart");
            check(request.getPart("prompt").getBody().asString().equals(prompt), "prompt part");
            check(request.getPart("aspect_ratio").getBody().asString().equals("16:9"), "aspect_ratio part");
            check(request.getPart("output_format").getBody().asString().equals("png"), "output_format part");
        }
    }

    /** Black Forest Labs: submit, poll the polling_url, download result.sample. */
    static final class Bfl extends Kit {
        Bfl() {
            super("bfl", "conf-flux", "bfl-conf");
        }

        String catalogEntry(String base) {
            return "  conf-flux:\n    deployments:\n      - {name: bfl-conf, provider: bfl, base_url: " + base
                    + "/bfl/v1, api_key: env:CONF_BFL_KEY, upstream_model: flux-2-pro}\n";
        }

        String generatePath() {
            return "/bfl/v1/flux-2-pro";
        }

        ResponseDefinitionBuilder imageReply(String base, byte[] png, int count) {
            return json(200, "{\"id\":\"job-1\",\"polling_url\":\"" + base + "/bfl/v1/get_result?id=job-1\",\"cost\":3.0}");
        }

        @Override
        void stubImages(WireMockServer server, String base, byte[] png, int count) {
            super.stubImages(server, base, png, count);
            // pending once, then ready (WireMock scenarios), then the download
            server.stubFor(poll().inScenario("job").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                    .willReturn(json(200, "{\"id\":\"job-1\",\"status\":\"Pending\",\"result\":null,\"progress\":0.4}"))
                    .willSetStateTo("ready"));
            server.stubFor(poll().inScenario("job").whenScenarioStateIs("ready")
                    .willReturn(json(200, "{\"id\":\"job-1\",\"status\":\"Ready\",\"result\":{\"sample\":\"" + base
                            + "/delivery/sample.png?sig=abc\",\"seed\":1}}"))
                    .willSetStateTo(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED));
            server.stubFor(get(urlPathEqualTo("/delivery/sample.png"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "image/png").withBody(png)));
        }

        static MappingBuilder poll() {
            return get(urlEqualTo("/bfl/v1/get_result?id=job-1"));
        }

        int imagesPerCall(int n) {
            return 1;
        }

        ResponseDefinitionBuilder policyRefusal() {
            return json(200, "{\"id\":\"job-1\",\"status\":\"Content Moderated\",\"result\":null}");
        }

        @Override
        void stubPolicy(WireMockServer server, String base) {
            stubGenerate(server, imageReply(base, null, 1));
            server.stubFor(poll().willReturn(policyRefusal()));
        }

        String[] unsupportedOption() {
            return new String[] {"output_format", "webp"};
        }

        void verifyRequest(LoggedRequest request, String prompt) {
            check("k-bfl".equals(request.getHeader("x-key")), "x-key");
            String body = request.getBodyAsString();
            check(body.contains("\"width\":1536") && body.contains("\"height\":864"), "pixels: " + body);
            check(body.contains("\"prompt\":\"" + prompt + "\""), "prompt");
        }
    }

    public static List<Kit> all() {
        return List.of(new OpenAi(), new OpenAiCompatible(), new Azure(), new Gemini(), new Imagen(), new Stability(), new Bfl());
    }

    /** A catalog with one model per kit, each on its stub. */
    public static String catalog(String base) {
        StringBuilder yaml = new StringBuilder("default: conf-openai\nmodels:\n");
        for (Kit kit : all()) {
            yaml.append(kit.catalogEntry(base));
        }
        return yaml.toString();
    }

    /** The keys the catalog's deployments refer to (env:NAME), as the gateway's settings. */
    public static java.util.Properties keys() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("CONF_OPENAI_KEY", "k-openai");
        p.setProperty("CONF_AZURE_KEY", "k-azure");
        p.setProperty("CONF_GOOGLE_KEY", "k-google");
        p.setProperty("CONF_STABILITY_KEY", "k-stability");
        p.setProperty("CONF_BFL_KEY", "k-bfl");
        return p;
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("the request to the provider: " + what);
        }
    }
}
