package dev.imagegateway.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import dev.imagegateway.models.Deployment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A catalog deployment as the gateway calls it: its endpoint and credential resolved against its provider's defaults,
 * the route that calls it (from the {@code deployment} route template: its own circuit breaker and bulkhead) and that
 * breaker. The credential is looked up when needed (a mounted secret file may be rotated), and never printed.
 */
public final class LiveDeployment {

    /** Exchange property: the LiveDeployment an attempt calls. */
    public static final String PROPERTY = "gatewayDeployment";

    private final Deployment spec;
    private final ProviderDefaults provider;
    private final String routeId;
    private final CircuitBreaker breaker;
    private final UnaryOperator<String> lookup;
    private volatile FileKey fileKey;

    private record FileKey(long modified, String key) {
        @Override
        public String toString() {
            return "FileKey[" + modified + "]"; // never the key
        }
    }

    /**
     * @param lookup resolves a variable name (the environment, then {@code .env}, then application.properties)
     */
    LiveDeployment(Deployment spec, ProviderDefaults provider, String routeId, CircuitBreaker breaker, UnaryOperator<String> lookup) {
        this.spec = spec;
        this.provider = provider;
        this.routeId = routeId;
        this.breaker = breaker;
        this.lookup = lookup;
    }

    /** A deployment outside any route (tests, tools): resolved the same way, with a breaker of its own. */
    public static LiveDeployment standalone(Deployment spec, ProviderDefaults provider, UnaryOperator<String> lookup) {
        return new LiveDeployment(spec, provider, null, CircuitBreaker.ofDefaults(spec.name()), lookup);
    }

    public String name() {
        return spec.name();
    }

    public String provider() {
        return spec.provider();
    }

    public Deployment spec() {
        return spec;
    }

    public String routeId() {
        return routeId;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The API root: the deployment's {@code base_url}, else its provider's; empty when neither says. */
    public String baseUrl() {
        if (spec.baseUrl() != null) {
            return spec.baseUrl();
        }
        String setting = provider.getBaseUrlSetting();
        String url = setting == null ? null : lookup.apply(setting);
        url = url == null ? "" : url.trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    public String apiVersion() {
        return spec.apiVersion();
    }

    /** The credential, or empty when none is set. */
    public String apiKey() {
        String ref = spec.apiKey();
        if (ref == null) {
            String setting = provider.getApiKeySetting();
            String value = setting == null ? null : lookup.apply(setting);
            return value == null ? "" : value.trim();
        }
        if (ref.startsWith("env:")) {
            String value = lookup.apply(ref.substring(4));
            return value == null ? "" : value.trim();
        }
        return fileKey(Path.of(ref.substring(5)));
    }

    /** A mounted secret's key: read again only when the file changed (a rotation), not on every call. */
    private String fileKey(Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            FileKey cached = fileKey;
            if (cached != null && cached.modified() == modified) {
                return cached.key();
            }
            String key = Files.readString(file, StandardCharsets.UTF_8).trim();
            fileKey = new FileKey(modified, key);
            return key;
        } catch (IOException e) {
            return "";
        }
    }

    /** Why it cannot be called as configured (no endpoint, no credential), or null when it can. */
    public String notConfigured() {
        if (provider.isEndpointRequired() && baseUrl().isEmpty()) {
            return "no base_url (the deployment names none and its provider has no default)";
        }
        if (provider.isKeyRequired() && apiKey().isEmpty()) {
            String ref = spec.apiKey();
            return "no credential (" + (ref == null ? (provider.getApiKeySetting() == null ? "its provider has no key setting"
                    : org.apache.camel.util.IOHelper.normalizeEnvironmentVariable(provider.getApiKeySetting()) + " is not set") : ref.startsWith("env:")
                    ? ref.substring(4) + " is not set" : "the file " + ref.substring(5) + " is missing or empty") + ")";
            // (its provider's key: the setting's environment variable, as OPENAI_API_KEY for openai.api-key)
        }
        return null;
    }

    /** True while its circuit refuses calls. */
    public boolean circuitOpen() {
        CircuitBreaker.State state = breaker.getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
