package dev.imagegateway.pipeline;

import java.time.Clock;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.models.ModelCatalogSource;
import dev.imagegateway.models.TestCatalogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validator against the shipped catalog, on the day this catalog describes (and on later days). */
class RequestValidatorTest {

    private static final ModelCatalogSource SHIPPED = TestCatalogs.shipped();
    private static final Clock TODAY = TestCatalogs.on("2026-11-26");
    private static final String DEFAULT = "gpt-image-2.6-flare";

    private static RequestValidator validator() {
        return new RequestValidator(SHIPPED, true, "openai", TODAY);
    }

    private static GenerationRequest request(String model, String size) {
        return new GenerationRequest("x", size, "test", model, null, ImageOptions.NONE);
    }

    private static GenerationRequest request(String model, String size, Integer n, ImageOptions options) {
        return new GenerationRequest("x", size, "test", model, n, options);
    }

    private static RequestValidator.Validated valid(GenerationRequest request) {
        return validator().validate(request);
    }

    private static GatewayException refused(RequestValidator validator, GenerationRequest request) {
        GatewayException e = assertThrows(GatewayException.class, () -> validator.validate(request));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
        return e;
    }

    private static GatewayException refused(GenerationRequest request) {
        return refused(validator(), request);
    }

    private static ImageOptions quality(String quality, String style) {
        return new ImageOptions(quality, style, null, null, null, null, null);
    }

    @ParameterizedTest
    @CsvSource({
        // GPT image 2: auto or WxH, multiples of 16, longest edge 3840, ratio up to 3:1, 655,360 to 8,294,400 pixels
        "1024x1024", "1536x1024", "1024x1536", "auto", "3840x2160", "2160x3840", "2880x2880", "816x816",
        "3840x1280", "1280x3840", "1536x512", "1792x1024", "1024x1792"})
    void acceptsTheRuleSizesAtTheirEdges(String size) {
        assertEquals(size, valid(request(null, size)).request().size());
    }

    @ParameterizedTest
    @CsvSource({
        "1000x1000, multiples of 16", "3856x2160, longest edge is at most 3840", "3840x1264, aspect ratio is at most 3:1",
        "800x800, at least 655360 pixels", "2896x2896, at most 8294400 pixels", "1024X1024, WIDTHxHEIGHT",
        "big, WIDTHxHEIGHT", "0x1024, WIDTHxHEIGHT"})
    void refusesSizesOutsideTheRuleSayingWhy(String size, String why) {
        GatewayException e = refused(request(null, size));
        assertEquals("size", e.param());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void blankSizeIsTheModelsDefaultAndNoModelIsTheConfiguredOne() {
        RequestValidator.Validated v = valid(request(null, ""));
        assertEquals("1024x1024", v.request().size());
        assertEquals(DEFAULT, v.request().model());
        assertEquals(1, v.request().n());
        assertEquals(DEFAULT, v.model().requested());
        assertFalse(v.model().mapped());
    }

    @Test
    void promptIsRequired() {
        for (String prompt : new String[] {"", null, " \t\n"}) {
            GenerationRequest r = new GenerationRequest(prompt, null, "test");
            assertEquals("Prompt is required", refused(r).getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"dall-e-2, 1000", "dall-e-3, 4000", "gpt-image-1, 32000", "gpt-image-2.6-flare, 32000"})
    void promptLengthIsTheNamedModelsOwn(String model, int max) {
        assertEquals(max, validator().validate(new GenerationRequest("a".repeat(max), null, "t", model, null, null)).request().prompt().length());
        GatewayException e = refused(new GenerationRequest("a".repeat(max + 1), null, "t", model, null, null));
        assertEquals("prompt", e.param());
    }

    @ParameterizedTest
    @CsvSource({
        // the seed's DALL-E 3 sizes are all GPT image 2 sizes: kept as they are
        "dall-e-3, 1024x1024, 1024x1024", "dall-e-3, 1792x1024, 1792x1024", "dall-e-3, 1024x1792, 1024x1792",
        // DALL-E 2's small squares are below the smallest GPT image 2 picture: the nearest square above it
        "dall-e-2, 256x256, 816x816", "dall-e-2, 512x512, 816x816", "dall-e-2, 1024x1024, 1024x1024",
        "gpt-image-1, 1536x1024, 1536x1024", "gpt-image-1, 1024x1536, 1024x1536", "gpt-image-1, auto, auto"})
    void shutDownModelsAreServedByTheirTargetAtTheNearestSize(String model, String size, String served) {
        RequestValidator.Validated v = valid(request(model, size));
        assertEquals(DEFAULT, v.request().model());
        assertEquals(served, v.request().size());
        assertEquals(model, v.model().requested());
        assertTrue(v.model().mapped());
        assertEquals(DEFAULT, v.model().served().upstreamModel());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-3, 512x512", "dall-e-3, auto", "dall-e-3, 1536x1024", "dall-e-2, 1792x1024", "gpt-image-1, 1792x1024"})
    void aSizeTheNamedModelNeverTookStaysRefused(String model, String size) {
        GatewayException e = refused(request(model, size));
        assertEquals("size", e.param());
        assertTrue(e.getMessage().contains(model), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"hd, vivid, high", "standard, natural, medium", ", vivid,"})
    void dallE3QualityMapsAndStyleIsDropped(String quality, String style, String mapped) {
        GenerationRequest r = valid(request("dall-e-3", "1792x1024", null, quality(quality, style))).request();
        assertEquals(mapped, r.quality());
        assertNull(r.style());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-3, 2, n", "dall-e-2, 11, n", "dall-e-2, 0, n", "gpt-image-2.6-flare, 11, n"})
    void refusesNumbersOfImagesTheNamedModelRefuses(String model, int n, String field) {
        assertEquals(field, refused(request(model, null, n, ImageOptions.NONE)).param());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-3, high,, quality", "dall-e-2,, vivid, style", "gpt-image-2.6-flare,, vivid, style",
        "gpt-image-2.6-flare, hd,, quality", "gpt-image-2, xhigh,, quality", "dall-e-3,, bright, style"})
    void refusesQualityAndStyleTheNamedModelDoesNotTake(String model, String quality, String style, String field) {
        assertEquals(field, refused(request(model, null, null, quality(quality, style))).param());
    }

    @ParameterizedTest
    @CsvSource({"gpt-image-2.6-flare, xhigh", "gpt-image-2.6-flare, max", "gpt-image-2.6-sunburst, auto", "gpt-image-2, high"})
    void acceptsTodaysQualities(String model, String quality) {
        assertEquals(quality, valid(request(model, null, null, quality(quality, null))).request().quality());
    }

    @Test
    void todaysOptionsAreCheckedAgainstTheCatalog() {
        ImageOptions ok = new ImageOptions("high", null, "transparent", "low", "webp", 80, "user-1");
        assertEquals(ok, valid(request(DEFAULT, "1536x1024", 2, ok)).request().options());
        assertEquals("output_format", refused(request(DEFAULT, null, null, new ImageOptions(null, null, null, null, "gif", null, null))).param());
        assertEquals("background", refused(request(DEFAULT, null, null, new ImageOptions(null, null, "glass", null, null, null, null))).param());
        assertEquals("moderation", refused(request(DEFAULT, null, null, new ImageOptions(null, null, null, "none", null, null, null))).param());
        assertEquals("output_compression", refused(request(DEFAULT, null, null, new ImageOptions(null, null, null, null, "jpeg", 101, null))).param());
        // DALL-E 3 never had them: refused before any mapping
        assertEquals("background", refused(request("dall-e-3", null, null, new ImageOptions(null, null, "opaque", null, null, null, null))).param());
        assertEquals("output_compression", refused(request("dall-e-2", null, null, new ImageOptions(null, null, null, null, null, 50, null))).param());
    }

    @Test
    void deprecatedModelsServeThemselvesUntilTheirDateThenTheirReplacement() {
        RequestValidator before = new RequestValidator(SHIPPED, true, "openai", TestCatalogs.on("2026-11-30"));
        RequestValidator after = new RequestValidator(SHIPPED, true, "openai", TestCatalogs.on("2026-12-01"));
        for (String model : new String[] {"gpt-image-1.5", "gpt-image-1.5-2025-12-16", "gpt-image-1-mini", "chatgpt-image-latest"}) {
            RequestValidator.Validated served = before.validate(request(model, "1536x1024"));
            assertEquals(model, served.request().model());
            assertEquals(model, served.model().served().upstreamModel());
            RequestValidator.Validated mapped = after.validate(request(model, "1536x1024", null, quality("high", null)));
            assertEquals(DEFAULT, mapped.request().model());
            assertEquals("high", mapped.request().quality());
            assertEquals("1536x1024", mapped.request().size());
        }
    }

    @Test
    void aRetiredModelTheCatalogRefusesIsOpenAisModelNotFound() {
        ModelCatalogSource catalog = TestCatalogs.of("""
                models:
                  gpt-image-2.6-flare: {provider: openai}
                  dall-e-3: {provider: openai, retired: refuse, shut_down: 2026-05-12}
                """);
        RequestValidator validator = new RequestValidator(catalog, true, "openai", TODAY);
        GatewayException e = assertThrows(GatewayException.class, () -> validator.validate(request("dall-e-3", null)));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals("model_not_found", e.code());
        assertEquals("model", e.param());
        assertTrue(e.getMessage().contains("2026-05-12") && e.getMessage().contains("gpt-image-2.6-flare"), e.getMessage());
    }

    @Test
    void aModelTheCatalogDoesNotListPassesThroughWithGenericChecksOnly() {
        RequestValidator.Validated v = valid(request("house-model-7", "2000x3000", 3, quality("ultra", null)));
        assertEquals("house-model-7", v.request().model());
        assertEquals("house-model-7", v.model().served().upstreamModel());
        assertEquals("ultra", v.request().quality());
        assertEquals("size", refused(request("house-model-7", "huge")).param());
        assertEquals("n", refused(request("house-model-7", null, 11, ImageOptions.NONE)).param());
        assertEquals("quality", refused(request("house-model-7", null, null, quality("Ultra!", null))).param());
    }

    @Test
    void withoutPassThroughAnUnlistedModelIsRefusedNamingWhatIsAvailable() {
        RequestValidator strict = new RequestValidator(SHIPPED, false, "openai", TODAY);
        GatewayException e = refused(strict, request("dall-e-9", null));
        assertEquals("model", e.param());
        assertEquals("model_not_found", e.code());
        assertTrue(e.getMessage().contains("gpt-image-2.6-flare") && e.getMessage().contains("dall-e-3"), e.getMessage());
    }

    @Test
    void echoOfABadSizeIsShortAndPrintable() {
        String message = refused(request(null, "\u0000" + "9".repeat(500))).getMessage();
        assertTrue(message.length() < 200, message);
        assertTrue(message.chars().allMatch(c -> c >= 0x20 && c < 0x7F), message);
    }

    @Test
    void userMustBeShortPrintableText() {
        assertEquals("user-1", valid(request(null, null, null, new ImageOptions(null, null, null, null, null, null, "user-1"))).request().user());
        assertEquals("user", refused(request(null, null, null, new ImageOptions(null, null, null, null, null, null, "a\nb"))).param());
        assertEquals("user", refused(request(null, null, null, new ImageOptions(null, null, null, null, null, null, "u".repeat(257)))).param());
    }
}
