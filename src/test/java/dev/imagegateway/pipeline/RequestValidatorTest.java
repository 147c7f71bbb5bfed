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
}
