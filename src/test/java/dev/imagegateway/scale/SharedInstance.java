package dev.imagegateway.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.imagegateway.routes.UpstreamStub;

/** The settings of a gateway instance that shares its state with others, as the scale-out tests run them. */
final class SharedInstance {

    private SharedInstance() {
    }

    /** A catalog of one model at $0.04 an image, served by the OpenAI stub. */
    static Path pricedModels(Path work) throws IOException {
        return Files.writeString(work.resolve("models.yaml"), """
                default: priced-4c
                models:
                  priced-4c:
                    provider: openai
                    sizes: [1024x1024, auto]
                    quality: [auto]
                    prices:
                      per_image: {auto: {1024x1024: 0.04}}
                """);
    }

    /**
     * One instance's environment: its own port and folders under {@code home}; the keys and models files, the upstream,
     * the PostgreSQL database and the bucket every instance shares (budgets not recounted at start, limits shared).
     */
    static Map<String, String> env(Path home, int port, Path keys, Path models, UpstreamStub upstream, String database,
                                   S3ProxyServer s3, String bucket) {
        Map<String, String> env = new HashMap<>();
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("API_SECRET_KEY", "operator-key");
        env.put("API_KEYS_FILE", keys.toString());
        env.put("MODELS_FILE", models.toString());
        env.put("OPENAI_API_KEY", UpstreamStub.OPENAI_KEY);
        env.put("OPENAI_BASE_URL", upstream.baseUrl());
        env.put("UPSTREAM_RETRIES", "0");
        env.put("DATABASE_URL", database);
        // several instances share the budgets: none may drop the others' reservations when it starts
        env.put("BUDGET_RECOUNT_AT_START", "false");
        // and one allowance of requests per minute and of calls in flight per key
        env.put("KEYS_LIMITS_SHARED", "true");
        env.put("DATA_DIR", home.resolve("data").toString());
        env.put("IMAGES_DIR", home.resolve("images").toString());
        env.put("IMAGES_BUCKET", bucket);
        env.put("IMAGES_S3_ENDPOINT", s3.endpoint());
        env.put("IMAGES_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
        env.put("IMAGES_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
        env.put("IMAGES_S3_PATH_STYLE", "true");
        return env;
    }
}
