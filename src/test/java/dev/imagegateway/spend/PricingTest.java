package dev.imagegateway.spend;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.models.ModelCatalog;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.models.TestCatalogs;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageOptions;
import dev.imagegateway.routes.UpstreamStub;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What requests cost, from the shipped catalog's prices: each model, each billing kind, auto resolved. */
class PricingTest {

    private static final ModelCatalog CATALOG = TestCatalogs.shipped().catalog();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelEntry model(String name) {
        return CATALOG.find(name);
    }

    private static GenerationRequest request(String size, String quality, int n) {
        return new GenerationRequest("a red fox", size, "rest", null, n,
                new ImageOptions(quality, null, null, null, null, null, null));
    }

    private static GeneratedImages images(ObjectNode details, byte[]... pngs) {
        return new GeneratedImages(java.util.Arrays.stream(pngs)
                .map(b -> GeneratedImage.of(b, Base64.getEncoder().encodeToString(b))).toList(), details);
    }

    private static void assertUsd(String expected, Pricing.Cost cost) {
        assertTrue(cost.priced(), "priced");
        assertEquals(new BigDecimal(expected).setScale(6), cost.usd());
    }

    @Test
    void everyModelACallerCanUseTodayHasAnEstimate() {
        LocalDate today = LocalDate.parse("2026-11-26");
        for (ModelEntry entry : CATALOG.entries()) {
            ModelEntry served = CATALOG.servedBy(entry, today);
            if (served == null) {
                continue; // refused outright
            }
            Pricing.Cost estimate = Pricing.estimate(served, request(served.defaultSize(), null, 1));
            assertTrue(estimate.priced() && estimate.usd().signum() > 0, entry.name() + " (served by " + served.name() + ") has a price");
        }
    }

    @Test
    void tokenModelsAreBilledFromTheReplysUsage() throws Exception {
        ObjectNode details = (ObjectNode) JSON.readTree("""
                {"usage": {"input_tokens": 50, "input_tokens_details": {"text_tokens": 40, "image_tokens": 10},
                           "output_tokens": 7024, "total_tokens": 7074}, "quality": "high", "size": "1024x1024"}""");
        Pricing.Cost cost = Pricing.actual(model("gpt-image-2.6-flare"), "openai", request("auto", "auto", 1),
                images(details, UpstreamStub.png(8, 8)));
        // 40 x $5 + 10 x $8 + 7024 x $30 per million
        assertUsd("0.211000", cost);
        assertEquals("tokens", cost.billing());
        assertEquals(50L, cost.inputTokens());
        assertEquals(7024L, cost.outputTokens());
        assertEquals("high", cost.quality(), "auto resolved from what the reply says it made");
        assertEquals("1024x1024", cost.size());
    }

    @Test
    void tokenModelsAreEstimatedFromTheirOutputTokensPerImage() {
        // 2 x 7024 x $30/M + "a red fox" as 3 prompt tokens x $5/M
        assertUsd("0.421455", Pricing.estimate(model("gpt-image-2.6-flare"), request("1024x1024", "high", 2)));
        // auto quality: the dearest; auto size: the dearest size of that quality
        assertUsd("0.210735", Pricing.estimate(model("gpt-image-2.6-flare"), request("1024x1024", "auto", 1)));
        assertUsd("0.011925", Pricing.estimate(model("gpt-image-2.6-flare"), request("auto", "low", 1)));
        // xhigh is not in the table: priced as its dearest (high)
        assertUsd("0.210735", Pricing.estimate(model("gpt-image-2.6-flare"), request("1024x1024", "xhigh", 1)));
        // a size not listed: the smallest listed one at least as large (2048x1152, 5650 tokens)
        assertUsd("0.169515", Pricing.estimate(model("gpt-image-2.6-flare"), request("1280x1280", "high", 1)));
    }

    @Test
    void perImageModelsAreBilledByTheQualityAndSizeProduced() throws Exception {
        ObjectNode said = (ObjectNode) JSON.readTree("{\"quality\": \"medium\", \"size\": \"1024x1536\"}");
        assertUsd("0.050000", Pricing.actual(model("gpt-image-1.5"), "openai", request("auto", "auto", 1),
                images(said, UpstreamStub.png(8, 8))));
        // the reply does not say: the size is the image's own, the quality the dearest asked for (high)
        Pricing.Cost twoImages = Pricing.actual(model("gpt-image-1-mini"), "openai", request("auto", "high", 2),
                images(null, UpstreamStub.png(1536, 1024), UpstreamStub.png(1536, 1024)));
        assertUsd("0.104000", twoImages);
        assertEquals("1536x1024", twoImages.size());
        assertUsd("0.036000", Pricing.actual(model("gpt-image-1-mini"), "openai", request("1024x1024", "auto", 1),
                images(null, UpstreamStub.png(16, 16))));
        assertUsd("0.080000", Pricing.estimate(model("stable-image-ultra"), request("auto", null, 1)));
        assertUsd("0.030000", Pricing.estimate(model("stable-image-core"), request("2016x1152", null, 1)));
    }

    @Test
    void megapixelModelsCountEveryMegapixelStarted() {
        // 1024x1024 is 1.05 MP: two started
        assertUsd("0.045000", Pricing.actual(model("flux-2-pro"), "bfl", request("1024x1024", null, 1),
                images(null, UpstreamStub.png(1024, 1024))));
        assertUsd("0.030000", Pricing.actual(model("flux-2-pro"), "bfl", request("auto", null, 1),
                images(null, UpstreamStub.png(1000, 1000))));
        assertUsd("0.190000", Pricing.estimate(model("flux-2-max"), request("2048x2048", null, 1)));
    }

    @Test
    void geminiIsBilledByTheOutputTokensOfTheSizeItMade() {
        // 2K: 1680 tokens x $60 per million
        assertUsd("0.100800", Pricing.actual(model("gemini-3.1-flash-image"), "google", request("auto", "auto", 1),
                images(null, UpstreamStub.png(2048, 2048))));
    }

    @Test
    void theOfflineRendererCostsNothingAndAModelWithoutPricesIsUnpriced() {
        assertUsd("0", Pricing.actual(model("gpt-image-2.6-flare"), "local", request("1024x1024", "high", 1),
                images(null, UpstreamStub.png(8, 8))));
        ModelEntry passthrough = ModelEntry.passthrough("my-model", "openai");
        Pricing.Cost estimate = Pricing.estimate(passthrough, request("1024x1024", null, 1));
        assertFalse(estimate.priced());
        assertNull(estimate.usd());
        assertEquals(BigDecimal.ZERO.setScale(6), estimate.amount());
        assertEquals("unpriced", Pricing.actual(passthrough, "openai", request("1024x1024", null, 1),
                images(null, UpstreamStub.png(8, 8))).billing());
    }

    @Test
    void imageDimensionsAreReadFromPngJpegAndWebpHeads() throws Exception {
        assertEquals(List.of(1536, 1024), dims(UpstreamStub.png(1536, 1024)));
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(300, 200, java.awt.image.BufferedImage.TYPE_INT_RGB), "jpeg", jpeg);
        assertEquals(List.of(300, 200), dims(jpeg.toByteArray()));
        assertEquals(List.of(1, 1), dims(UpstreamStub.WEBP), "a 1x1 lossless WebP");
        assertNull(dev.imagegateway.pipeline.ImageDimensions.read("not an image".getBytes()));
    }

    private static List<Integer> dims(byte[] image) {
        int[] wh = dev.imagegateway.pipeline.ImageDimensions.read(image);
        return wh == null ? null : List.of(wh[0], wh[1]);
    }
}
