package dev.imagegateway.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.models.ModelPrices;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageDimensions;
import dev.imagegateway.models.SizeRules;

/**
 * What a request costs, from the catalog's prices (models.yaml): an estimate before the call, the most it should cost,
 * which a budget reserves; and the actual after it, from what the reply says was produced and used.
 * <ul>
 *   <li>Per-token models bill the reply's {@code usage} (text and image input, image output); before the call, the
 *       catalog's {@code image_output_tokens} give an image's output tokens.</li>
 *   <li>Per-image models bill each image by quality and size; {@code auto} is what the reply says it produced, else the
 *       image's own dimensions; a quality the reply does not name is billed as the dearest.</li>
 *   <li>Per-megapixel models bill each image's megapixels, each one started counted.</li>
 * </ul>
 * A size the table does not list is priced as the smallest listed one at least as large (providers bill by tiers),
 * or, past the largest, in proportion to its pixels. Amounts are US dollars, rounded to millionths.
 */
public final class Pricing {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final int SCALE = 6;
    /** Characters per prompt token assumed for the estimate (English runs near 4: this errs high). */
    private static final int CHARS_PER_TOKEN = 3;

    private Pricing() {
    }

    /**
     * A cost, or an unknown one.
     *
     * @param usd          dollars, or null when the catalog has no price for what was asked or served
     * @param billing      how it was priced: tokens, per_image, per_megapixel, offline, unpriced
     * @param inputTokens  input tokens billed (null unless billed by token)
     * @param outputTokens output tokens billed
     * @param quality      the quality it was priced at
     * @param size         the size it was priced at
     */
    public record Cost(BigDecimal usd, String billing, Long inputTokens, Long outputTokens, String quality, String size) {

        public static final Cost FREE = new Cost(BigDecimal.ZERO.setScale(SCALE), "offline", null, null, null, null);

        static Cost unpriced(String quality, String size) {
            return new Cost(null, "unpriced", null, null, quality, size);
        }

        public boolean priced() {
            return usd != null;
        }

        /** The amount, 0 when unpriced. */
        public BigDecimal amount() {
            return usd == null ? BigDecimal.ZERO.setScale(SCALE) : usd;
        }
    }

    /** The most a request should cost: n images at the requested (or dearest) quality and size, and its prompt. */
    public static Cost estimate(ModelEntry model, GenerationRequest request) {
        ModelPrices prices = model.prices();
        String quality = request.quality();
        String size = request.size();
        int n = request.count();
        BigDecimal perImage = null;
        String billing = null;
        if (!prices.imageOutputTokens().isEmpty()) {
            BigDecimal tokens = lookup(prices.imageOutputTokens(), quality, size);
            if (tokens != null) {
                perImage = tokens.multiply(prices.perMillionTokens().get("image_output")).divide(MILLION);
                billing = "tokens";
            }
        }
        if (perImage == null && !prices.perImage().isEmpty()) {
            perImage = lookup(prices.perImage(), quality, size);
            billing = "per_image";
        }
        if (perImage == null && prices.perMegapixel() != null) {
            int[] wh = SizeRules.parse(size);
            perImage = megapixels(prices.perMegapixel(), wh != null ? (long) wh[0] * wh[1] : largestPixels(model));
            billing = "per_megapixel";
        }
        if (perImage == null) {
            return Cost.unpriced(quality, size);
        }
        BigDecimal total = perImage.multiply(BigDecimal.valueOf(n));
        BigDecimal textRate = prices.perMillionTokens().get("text_input");
        Long inputTokens = null;
        if (textRate != null && request.prompt() != null) {
            long promptTokens = (request.prompt().length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
            inputTokens = promptTokens;
            total = total.add(textRate.multiply(BigDecimal.valueOf(promptTokens)).divide(MILLION));
        }
        return new Cost(round(total), billing, inputTokens, null, quality, size);
    }

    /**
     * What a served request cost, priced by the model that served it.
     *
     * @param provider who served it: the offline renderer costs nothing
     */
    public static Cost actual(ModelEntry model, String provider, GenerationRequest request, GeneratedImages images) {
        if ("local".equals(provider)) {
            return Cost.FREE;
        }
        ModelPrices prices = model.prices();
        JsonNode details = images.details();
        String quality = produced(details, "quality", request.quality());
        String size = produced(details, "size", request.size());
        JsonNode usage = images.usage();
        if (usage != null && usage.isObject() && !prices.perMillionTokens().isEmpty() && usage.has("output_tokens")) {
            return byTokens(prices.perMillionTokens(), usage, quality, size);
        }
        if (prices.imageOutputTokens().isEmpty() && prices.perImage().isEmpty() && prices.perMegapixel() == null) {
            return Cost.unpriced(quality, size);
        }
        BigDecimal total = BigDecimal.ZERO;
        String billing = null;
        long outputTokens = 0;
        for (GeneratedImage image : images) {
            // auto: what the reply said it made, else what the image is
            String imageSize = size;
            if (imageSize == null || "auto".equals(imageSize) || prices.perMegapixel() != null) {
                int[] wh = ImageDimensions.read(image.head(ImageDimensions.HEAD_BYTES));
                if (wh != null) {
                    imageSize = wh[0] + "x" + wh[1];
                }
            }
            if (!prices.perImage().isEmpty()) {
                total = total.add(orZero(lookup(prices.perImage(), quality, imageSize)));
                billing = "per_image";
            } else if (!prices.imageOutputTokens().isEmpty()) {
                BigDecimal tokens = orZero(lookup(prices.imageOutputTokens(), quality, imageSize));
                outputTokens += tokens.longValue();
                total = total.add(tokens.multiply(prices.perMillionTokens().get("image_output")).divide(MILLION));
                billing = "tokens";
            } else {
                int[] wh = SizeRules.parse(imageSize);
                total = total.add(megapixels(prices.perMegapixel(), wh != null ? (long) wh[0] * wh[1] : largestPixels(model)));
                billing = "per_megapixel";
            }
            size = imageSize;
        }
        return new Cost(round(total), billing, null, "tokens".equals(billing) ? outputTokens : null, quality, size);
    }

    /** The reply's usage priced per million tokens; input split into text and image where the reply splits it. */
    private static Cost byTokens(Map<String, BigDecimal> rates, JsonNode usage, String quality, String size) {
        long input = usage.path("input_tokens").asLong(0);
        long output = usage.path("output_tokens").asLong(0);
        JsonNode in = usage.path("input_tokens_details");
        long imageIn = in.path("image_tokens").asLong(0);
        long textIn = in.has("text_tokens") ? in.path("text_tokens").asLong(0) : input - imageIn;
        JsonNode out = usage.path("output_tokens_details");
        long textOut = out.path("text_tokens").asLong(0);
        long imageOut = out.has("image_tokens") ? out.path("image_tokens").asLong(0) : output - textOut;
        BigDecimal total = rate(rates, "text_input", textIn)
                .add(rate(rates, "image_input", imageIn))
                .add(rate(rates, "image_output", imageOut))
                .add(rate(rates, rates.containsKey("text_output") ? "text_output" : "image_output", textOut));
        return new Cost(round(total), "tokens", input, output, quality, size);
    }

    private static BigDecimal rate(Map<String, BigDecimal> rates, String kind, long tokens) {
        BigDecimal perMillion = rates.get(kind);
        return perMillion == null || tokens <= 0 ? BigDecimal.ZERO : perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION);
    }

    /** The reply's value for {@code field} where it gives a definite one, else the request's. */
    private static String produced(JsonNode details, String field, String requested) {
        String said = details == null ? null : details.path(field).asText(null);
        return said != null && !said.isBlank() && !"auto".equals(said) ? said : requested;
    }

    /**
     * The table's value for a quality and size: a quality it does not list (auto, or none) is its dearest; a size it
     * does not list is the smallest listed one at least as large, or the largest scaled by pixels; auto is its largest.
     */
    static BigDecimal lookup(Map<String, Map<String, BigDecimal>> table, String quality, String size) {
        Map<String, BigDecimal> bySize = quality == null ? null : table.get(quality);
        if (bySize != null) {
            return bySize(bySize, size);
        }
        BigDecimal dearest = null;
        for (Map<String, BigDecimal> sizes : table.values()) {
            BigDecimal value = bySize(sizes, size);
            if (value != null && (dearest == null || value.compareTo(dearest) > 0)) {
                dearest = value;
            }
        }
        return dearest;
    }

    private static BigDecimal bySize(Map<String, BigDecimal> bySize, String size) {
        BigDecimal exact = size == null ? null : bySize.get(size);
        if (exact != null) {
            return exact;
        }
        int[] wanted = SizeRules.parse(size);
        if (wanted == null) {
            // auto or none: the dearest size
            return bySize.values().stream().max(BigDecimal::compareTo).orElse(null);
        }
        long pixels = (long) wanted[0] * wanted[1];
        BigDecimal tier = null;
        long tierPixels = Long.MAX_VALUE;
        BigDecimal largest = null;
        long largestPixels = 0;
        for (Map.Entry<String, BigDecimal> e : bySize.entrySet()) {
            int[] wh = SizeRules.parse(e.getKey());
            if (wh == null) {
                continue;
            }
            long p = (long) wh[0] * wh[1];
            if (p >= pixels && (p < tierPixels || p == tierPixels && e.getValue().compareTo(tier) > 0)) {
                tier = e.getValue();
                tierPixels = p;
            }
            if (p > largestPixels || p == largestPixels && e.getValue().compareTo(largest) > 0) {
                largest = e.getValue();
                largestPixels = p;
            }
        }
        if (tier != null) {
            return tier;
        }
        if (largest != null) {
            return largest.multiply(BigDecimal.valueOf(pixels)).divide(BigDecimal.valueOf(largestPixels), SCALE + 3, RoundingMode.UP);
        }
        // only an "auto" price: it is the price of any size
        return bySize.get("auto");
    }

    /** The first megapixel, then each further one started (1 MP = 1,000,000 pixels). */
    static BigDecimal megapixels(ModelPrices.Megapixels prices, long pixels) {
        long started = Math.max(1, (pixels + 999_999) / 1_000_000);
        return prices.first().add(prices.additional().multiply(BigDecimal.valueOf(started - 1)));
    }

    /** The largest size the model's presets list, for a request that leaves the size to it. */
    private static long largestPixels(ModelEntry model) {
        long largest = 1024L * 1024;
        for (String preset : model.sizes().presets()) {
            int[] wh = SizeRules.parse(preset);
            if (wh != null) {
                largest = Math.max(largest, (long) wh[0] * wh[1]);
            }
        }
        return largest;
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }

    private static BigDecimal round(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.HALF_UP);
    }
}
