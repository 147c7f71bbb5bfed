package dev.imagegateway.config;

import java.nio.file.Path;
import java.util.Locale;

import dev.imagegateway.security.ApiKeys;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The gateway's settings, resolved once at start from the environment, {@code .env} and application.properties
 * (in that order of precedence), with the defaults the README documents.
 */
public record GatewaySettings(
        String openAiApiKey,
        String openAiBaseUrl,
        String model,
        String provider,
        String apiKeys,
        boolean apiKeyGenerated,
        int grpcPort,
        int httpPort,
        Path imagesDir,
        String inboxDir) {

    public static final String LOCAL = "local";
    public static final String OPENAI = "openai";

    public static GatewaySettings resolve(PropertiesComponent pc) {
        String openAiKey = value(pc, "openai.api-key", "");
        String provider = value(pc, "image.provider", "").toLowerCase(Locale.ROOT);
        if (provider.isEmpty()) {
            provider = openAiKey.isEmpty() ? LOCAL : OPENAI;
        }
        if (!provider.equals(LOCAL) && !provider.equals(OPENAI)) {
            throw new IllegalArgumentException("IMAGE_PROVIDER must be 'openai' or 'local', not '" + provider + "'");
        }
        // IMAGE_PROVIDER=openai without OPENAI_API_KEY is fine when the catalog's deployments carry their own keys; the
        // startup summary names each deployment that has none
        String baseUrl = value(pc, "openai.base-url", "https://api.openai.com/v1");
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        String keys = value(pc, "api.secret-key", "");
        // a gateway never runs without a key: with neither API_SECRET_KEY nor API_KEYS_FILE, one is made up
        boolean generated = keys.isBlank() && value(pc, "api.keys-file", "").isEmpty();
        return new GatewaySettings(openAiKey, baseUrl, value(pc, "image.model", ""), provider,
                generated ? ApiKeys.generate() : keys, generated,
                Integer.parseInt(value(pc, "grpc.port", "50051")), Integer.parseInt(value(pc, "http.port", "8080")),
                Path.of(value(pc, "images.dir", "images")),
                // set but empty turns the inbox off, so no fallback here
                pc.resolveProperty("inbox.dir").map(String::trim).orElse("inbox"));
    }

    public boolean inboxEnabled() {
        return !inboxDir.isEmpty();
    }

    private static String value(PropertiesComponent pc, String key, String fallback) {
        return pc.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    @Override
    public String toString() {
        // never print keys, whatever logs this record
        return "GatewaySettings[provider=" + provider + ", model=" + model + ", baseUrl=" + openAiBaseUrl
                + ", grpcPort=" + grpcPort + ", httpPort=" + httpPort + ", imagesDir=" + imagesDir + "]";
    }
}
