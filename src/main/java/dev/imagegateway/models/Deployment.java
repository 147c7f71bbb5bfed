package dev.imagegateway.models;

import java.util.Objects;

/**
 * One place a catalog model is served: a provider, the model id it knows, where it is and which credential it takes.
 * Several OpenAI keys or Azure regions are several deployments of one model. A deployment is known by its name across
 * the catalog: each has one circuit breaker and one bulkhead, so two models naming the same deployment must describe
 * it the same way (the parser checks).
 *
 * @param name          unique in the catalog; a model without {@code deployments:} has one named after its provider
 * @param provider      the adapter that speaks to it (a route file {@code routes/provider-<provider>.yaml})
 * @param upstreamModel the id sent to the provider (for Azure the deployment name), by default the model's
 * @param baseUrl       the provider's API root, or null for the provider's configured default
 * @param apiKey        a reference to the credential, never the credential itself: {@code env:NAME} (the environment,
 *                      then {@code .env}) or {@code file:/path} (a mounted secret); null for the provider's default
 * @param apiVersion    Azure OpenAI's {@code api-version}, or null (the v1 path, or the provider's default)
 * @param weight        its share of the model's traffic among healthy deployments
 * @param maxInFlight   calls at once to it (its bulkhead), or null for UPSTREAM_MAX_IN_FLIGHT
 * @param line          the line in the catalog file, for messages
 */
public record Deployment(String name, String provider, String upstreamModel, String baseUrl, String apiKey,
                         String apiVersion, int weight, Integer maxInFlight, int line) {

    /** True when both describe the same endpoint (all but the model id and weight, which are the model's choice). */
    public boolean sameEndpoint(Deployment other) {
        return provider.equals(other.provider) && Objects.equals(baseUrl, other.baseUrl)
                && Objects.equals(apiKey, other.apiKey) && Objects.equals(apiVersion, other.apiVersion)
                && Objects.equals(maxInFlight, other.maxInFlight);
    }

    @Override
    public String toString() {
        // the key reference names a variable or a file, never a key; still, logs get the name and provider only
        return name + " (" + provider + ")";
    }
}
