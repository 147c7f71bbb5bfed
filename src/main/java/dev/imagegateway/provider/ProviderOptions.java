package dev.imagegateway.provider;

import java.util.Set;

import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GenerationRequest;

/**
 * What an adapter cannot express is refused, naming the field (400), rather than silently dropped: the catalog should
 * already have refused it for the model the client named; this is the adapter keeping its own word.
 */
public final class ProviderOptions {

    private ProviderOptions() {
    }

    /**
     * What an adapter that only generates, without OpenAI's quality, style and moderation, takes: an opaque (or auto)
     * background, {@code formats} as output_format, output_compression only where {@code compression}, no field the
     * gateway does not know, no edit. Anything else is a 400 naming the field, before any call.
     */
    public static void generatesOnly(GenerationRequest request, String provider, Set<String> formats, boolean compression) {
        only(request, "quality", Set.of(), provider);
        only(request, "style", Set.of(), provider);
        only(request, "background", Set.of("opaque"), provider);
        only(request, "moderation", Set.of(), provider);
        only(request, "output_format", formats, provider);
        if (!compression) {
            noCompression(request, provider);
        }
        noExtras(request, provider);
        noEdits(request, provider);
    }

    /** Refuses {@code field} unless it is unset or one of {@code accepted} ({@code auto} is always fine). */
    public static void only(GenerationRequest request, String field, Set<String> accepted, String provider) {
        String value = request.options().get(field);
        if (value != null && !"auto".equals(value) && !accepted.contains(value)) {
            throw GatewayException.invalid(field, "Field '" + field + "' cannot be '" + value + "' on " + provider
                    + (accepted.isEmpty() ? ", which has no such option" : "; it takes " + String.join(", ", new java.util.TreeSet<>(accepted))));
        }
    }

    /** Refuses output_compression, which the provider cannot set. */
    public static void noCompression(GenerationRequest request, String provider) {
        if (request.options().outputCompression() != null) {
            throw GatewayException.invalid("output_compression", "Field 'output_compression' is not supported by " + provider);
        }
    }

    /** Refuses an edit: this gateway's adapter for the provider generates only. */
    public static void noEdits(GenerationRequest request, String provider) {
        if (request.isEdit()) {
            throw GatewayException.invalid("image", "Image edits through " + provider + " are not served by this gateway; "
                    + "choose a model that edits (GET /v1/models)");
        }
    }

    /** Refuses fields the gateway does not know (passed through to OpenAI-shaped upstreams only). */
    public static void noExtras(GenerationRequest request, String provider) {
        if (!request.extra().isEmpty()) {
            String field = request.extra().keySet().iterator().next();
            throw GatewayException.invalid(field, "Field '" + field + "' is not supported by " + provider);
        }
    }
}
