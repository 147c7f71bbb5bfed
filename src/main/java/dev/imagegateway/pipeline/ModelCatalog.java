package dev.imagegateway.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each OpenAI image model accepts, so that bad requests are refused before any upstream call.
 */
public final class ModelCatalog {

    /**
     * @param sizes           accepted sizes; empty means any WIDTHxHEIGHT or auto
     * @param maxPromptLength longest prompt in characters
     * @param maxImages       largest {@code n}
     * @param qualities       accepted quality values; null means not checked
     * @param styles          accepted style values; empty means the model takes no style, null means not checked
     */
    public record ModelLimits(List<String> sizes, int maxPromptLength, int maxImages, Set<String> qualities,
                              Set<String> styles) {
    }

    private static final Map<String, ModelLimits> MODELS = Map.of(
            "dall-e-2", new ModelLimits(List.of("256x256", "512x512", "1024x1024"), 1000, 10,
                    Set.of("standard"), Set.of()),
            "dall-e-3", new ModelLimits(List.of("1024x1024", "1792x1024", "1024x1792"), 4000, 1,
                    Set.of("standard", "hd"), Set.of("vivid", "natural")),
            "gpt-image-1", new ModelLimits(List.of("1024x1024", "1536x1024", "1024x1536", "auto"), 32000, 10,
                    Set.of("low", "medium", "high", "auto"), Set.of()));

    /** Used for a model we have no table for: any WxH or auto, the longest prompt any model takes, options unchecked. */
    private static final ModelLimits UNKNOWN = new ModelLimits(List.of(), 32000, 10, null, null);

    public static final String DEFAULT_SIZE = "1024x1024";

    private ModelCatalog() {
    }

    public static boolean isKnown(String model) {
        return MODELS.containsKey(model);
    }

    public static Set<String> knownModels() {
        return MODELS.keySet();
    }

    public static ModelLimits limits(String model) {
        return MODELS.getOrDefault(model, UNKNOWN);
    }

    public static boolean acceptsSize(String model, String size) {
        ModelLimits limits = limits(model);
        if (limits.sizes().isEmpty()) {
            return size.equals("auto") || size.matches("[1-9][0-9]{1,4}x[1-9][0-9]{1,4}");
        }
        return limits.sizes().contains(size);
    }
}
