package dev.imagegateway.models;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One public model name of the catalog: who serves it, under which upstream id, where it is in its life, what it
 * accepts and what it costs. Every "accepts" field may be absent (null), which means the catalog does not say and
 * the upstream judges; an empty option set means the model takes no such option.
 *
 * @param name              the name clients use
 * @param provider          the provider that serves it (openai, local)
 * @param upstreamModel     the model id sent to the provider
 * @param released          when it was released (the {@code created} of {@code GET /v1/models}), or null
 * @param sizes             accepted sizes
 * @param defaultSize       the size of a request that names none
 * @param maxPromptLength   longest prompt in characters, or null
 * @param maxImages         largest {@code n}, or null
 * @param options           request option (quality, style, background, moderation, output_format) to the values it
 *                          accepts; an option not in the map is not checked
 * @param outputCompression whether {@code output_compression} (0-100) is accepted, or null
 * @param streaming         whether it streams partial images, or null
 * @param edits             whether it edits images, or null
 * @param sendsResponseFormat whether {@code response_format=b64_json} is sent upstream (DALL-E took it; GPT image
 *                          models refuse it)
 * @param doorResponseFormat the OpenAI door's answer form when the request names none: OpenAI's default for the model
 * @param qualityMap        for a retired or deprecated model, how its quality values become its replacement's
 * @param deployments       where it is served, at least one; the catalog's {@code provider:} alone is one deployment
 *                          named after the provider with that provider's configured endpoint and credential
 * @param fallbacks         other catalog models that serve its requests, in order, when none of its deployments can
 * @param line              the line of the entry in its file, for messages
 */
public record ModelEntry(String name, String provider, String upstreamModel, String description, LocalDate released,
                         Lifecycle lifecycle, SizeRules sizes, String defaultSize, Integer maxPromptLength,
                         Integer maxImages, Map<String, Set<String>> options, Boolean outputCompression,
                         Boolean streaming, Boolean edits, boolean sendsResponseFormat, String doorResponseFormat,
                         Map<String, String> qualityMap, ModelPrices prices, List<String> sources,
                         List<Deployment> deployments, List<String> fallbacks, int line) {

    /** The option fields a catalog entry can list values for, as the request names them. */
    public static final List<String> OPTIONS = List.of("quality", "style", "background", "moderation", "output_format");

    /** The largest {@code n} and prompt of a model the catalog does not know: generic bounds only. */
    public static final int GENERIC_MAX_IMAGES = 10;
    public static final int GENERIC_MAX_PROMPT = 32000;
    public static final String DEFAULT_SIZE = "1024x1024";

    /** A model not in the catalog, served as it is named (MODELS_PASSTHROUGH). */
    public static ModelEntry passthrough(String name, String provider) {
        return new ModelEntry(name, provider, name, null, null, Lifecycle.ACTIVE, SizeRules.ANY, DEFAULT_SIZE, null, null,
                Map.of(), null, null, null, false, "b64_json", Map.of(), ModelPrices.NONE, List.of(),
                List.of(new Deployment(provider, provider, name, null, null, null, 1, null, 0)), List.of(), 0);
    }

    public int promptLimit() {
        return maxPromptLength != null ? maxPromptLength : GENERIC_MAX_PROMPT;
    }

    public int imagesLimit() {
        return maxImages != null ? maxImages : GENERIC_MAX_IMAGES;
    }

    /** The values {@code option} accepts, or null when the catalog does not say. */
    public Set<String> accepted(String option) {
        return options.get(option);
    }

    /** False for a model served by pass-through, which no catalog line describes. */
    public boolean inCatalog() {
        return line > 0;
    }

    @Override
    public String toString() {
        return "ModelEntry[" + name + " -> " + provider + ":" + upstreamModel + ", " + lifecycle.state() + "]";
    }
}
