package dev.imagegateway.models;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What a model costs, in US dollars, as its catalog entry gives it: per image by quality and size, and/or per million
 * tokens by kind ({@code text_input}, {@code image_input}, {@code image_output}, cached variants) for models that bill
 * from the reply's {@code usage}. Either map may be empty when the catalog does not say.
 */
public record ModelPrices(Map<String, Map<String, BigDecimal>> perImage, Map<String, BigDecimal> perMillionTokens) {

    public static final ModelPrices NONE = new ModelPrices(Map.of(), Map.of());

    public ModelPrices {
        perImage = Map.copyOf(perImage);
        perMillionTokens = Map.copyOf(perMillionTokens);
    }

    public boolean isEmpty() {
        return perImage.isEmpty() && perMillionTokens.isEmpty();
    }
}
