package dev.imagegateway.models;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What a model costs, in US dollars, as its catalog entry gives it. Three billing kinds, any of which may be empty
 * where the catalog does not say:
 * <ul>
 *   <li>per image by quality and size ({@code per_image});</li>
 *   <li>per million tokens by kind ({@code text_input}, {@code image_input}, {@code image_output}, cached variants),
 *       billed from the reply's {@code usage}; {@code image_output_tokens} (quality → size → tokens) says how many
 *       output tokens an image takes, for the estimate made before the call;</li>
 *   <li>per megapixel of output ({@code per_megapixel}: the first, then each further one started).</li>
 * </ul>
 */
public record ModelPrices(Map<String, Map<String, BigDecimal>> perImage, Map<String, BigDecimal> perMillionTokens,
                          Map<String, Map<String, BigDecimal>> imageOutputTokens, Megapixels perMegapixel) {

    public static final ModelPrices NONE = new ModelPrices(Map.of(), Map.of());

    /** Megapixel pricing: {@code first} for the first megapixel, {@code additional} for each further one started. */
    public record Megapixels(BigDecimal first, BigDecimal additional) {
    }

    public ModelPrices {
        perImage = Map.copyOf(perImage);
        perMillionTokens = Map.copyOf(perMillionTokens);
        imageOutputTokens = Map.copyOf(imageOutputTokens);
    }

    public ModelPrices(Map<String, Map<String, BigDecimal>> perImage, Map<String, BigDecimal> perMillionTokens) {
        this(perImage, perMillionTokens, Map.of(), null);
    }

    public boolean isEmpty() {
        return perImage.isEmpty() && perMillionTokens.isEmpty() && perMegapixel == null;
    }
}
