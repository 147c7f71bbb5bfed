package dev.imagegateway.pipeline;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestValidatorTest {

    private static GenerationRequest request(String prompt, String size) {
        return new GenerationRequest(prompt, size, "test");
    }

    private static GatewayException refused(String model, GenerationRequest request) {
        GatewayException e = assertThrows(GatewayException.class, () -> new RequestValidator(model).validate(request));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        return e;
    }

    @ParameterizedTest
    @CsvSource({
        "dall-e-3, 1024x1024", "dall-e-3, 1792x1024", "dall-e-3, 1024x1792",
        "gpt-image-1, 1024x1024", "gpt-image-1, 1536x1024", "gpt-image-1, 1024x1536", "gpt-image-1, auto",
        "dall-e-2, 256x256", "dall-e-2, 512x512", "dall-e-2, 1024x1024",
        "some-future-model, 2048x2048", "some-future-model, auto"})
    void acceptsTheSizesOfEachModel(String model, String size) {
        assertEquals(size, new RequestValidator(model).validate(request("x", size)).size());
    }

    @ParameterizedTest
    @CsvSource({
        "dall-e-3, 512x512", "dall-e-3, auto", "gpt-image-1, 1792x1024", "dall-e-2, 1792x1024",
        "dall-e-3, 1024X1024", "some-future-model, big", "some-future-model, 0x10"})
    void refusesOtherSizesNamingTheField(String model, String size) {
        assertTrue(refused(model, request("x", size)).getMessage().contains("'size'"));
    }

    @Test
    void blankSizeIsTheDefault() {
        assertEquals("1024x1024", new RequestValidator("dall-e-3").validate(request("x", "")).size());
        assertEquals("1024x1024", new RequestValidator("dall-e-3").validate(request("x", null)).size());
    }

    @Test
    void promptIsRequired() {
        assertEquals("Prompt is required", refused("dall-e-3", request("", "")).getMessage());
        assertEquals("Prompt is required", refused("dall-e-3", request(null, "")).getMessage());
        assertEquals("Prompt is required", refused("dall-e-3", request(" \t\n", "")).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-2, 1000", "dall-e-3, 4000", "gpt-image-1, 32000"})
    void promptLengthIsCappedPerModel(String model, int max) {
        RequestValidator validator = new RequestValidator(model);
        String size = ModelCatalog.limits(model).sizes().get(0);
        assertEquals(max, validator.validate(request("a".repeat(max), size)).prompt().length());
        assertTrue(refused(model, request("a".repeat(max + 1), size)).getMessage().contains("'prompt'"));
    }

    @Test
    void echoOfABadSizeIsShortAndPrintable() {
        String message = refused("dall-e-3", request("x", "\u0000" + "9".repeat(500))).getMessage();
        assertTrue(message.length() < 200, message);
        assertTrue(message.chars().allMatch(c -> c >= 0x20 && c < 0x7F), message);
    }

    private static GenerationRequest openAi(String model, Integer n, String quality, String style, String user) {
        return new GenerationRequest("x", null, "test", model, n, quality, style, user);
    }

    @Test
    void fillsInTheConfiguredModelAndOneImage() {
        GenerationRequest valid = new RequestValidator("dall-e-3").validate(request("x", null));
        assertEquals("dall-e-3", valid.model());
        assertEquals(1, valid.n());
        assertEquals("1024x1024", valid.size());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-2, 10", "gpt-image-1, 10", "dall-e-3, 1", "dall-e-2, 1"})
    void acceptsUpToTheModelsNumberOfImages(String model, int n) {
        assertEquals(n, new RequestValidator("dall-e-3").validate(openAi(model, n, null, null, null)).n());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-3, 2", "dall-e-2, 11", "dall-e-2, 0", "gpt-image-1, -1"})
    void refusesOtherNumbersOfImages(String model, int n) {
        GatewayException e = refused("dall-e-3", openAi(model, n, null, null, null));
        assertEquals("n", e.param());
        assertTrue(e.getMessage().contains(model), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-3, hd, vivid", "dall-e-3, standard, natural", "gpt-image-1, high,", "dall-e-2, standard,"})
    void acceptsEachModelsQualityAndStyle(String model, String quality, String style) {
        GenerationRequest valid = new RequestValidator("dall-e-3").validate(openAi(model, null, quality, style, null));
        assertEquals(quality, valid.quality());
        assertEquals(style, valid.style());
    }

    @ParameterizedTest
    @CsvSource({"dall-e-3, high,, quality", "gpt-image-1, hd,, quality", "dall-e-2,, vivid, style",
        "gpt-image-1,, natural, style", "dall-e-3,, bright, style"})
    void refusesQualityAndStyleTheModelDoesNotHave(String model, String quality, String style, String field) {
        assertEquals(field, refused("dall-e-3", openAi(model, null, quality, style, null)).param());
    }

    @Test
    void onlyModelsWithKnownLimitsOrTheConfiguredOneAreAccepted() {
        GatewayException e = refused("dall-e-3", openAi("dall-e-9", null, null, null, null));
        assertEquals("model", e.param());
        assertTrue(e.getMessage().contains("dall-e-2, dall-e-3, gpt-image-1"), e.getMessage());
        assertEquals("house-model", new RequestValidator("house-model").validate(openAi("house-model", 3, "ultra", null, null)).model());
    }

    @Test
    void userMustBeShortPrintableText() {
        assertEquals("user-1", new RequestValidator("dall-e-3").validate(openAi(null, null, null, null, "user-1")).user());
        assertEquals("user", refused("dall-e-3", openAi(null, null, null, null, "a\nb")).param());
        assertEquals("user", refused("dall-e-3", openAi(null, null, null, null, "u".repeat(257))).param());
    }
}
