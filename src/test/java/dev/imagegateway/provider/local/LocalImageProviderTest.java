package dev.imagegateway.provider.local;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;

import javax.imageio.ImageIO;

import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class LocalImageProviderTest {

    private final LocalImageProvider provider = new LocalImageProvider();

    private static GeneratedImage generate(LocalImageProvider provider, String prompt, String size) {
        GeneratedImages images = provider.generate(new GenerationRequest(prompt, size, "test"));
        assertEquals(1, images.size());
        return images.first();
    }

    @ParameterizedTest
    @CsvSource({"1024x1024, 1024, 1024", "1792x1024, 1792, 1024", "256x256, 256, 256", "auto, 1024, 1024"})
    void rendersAValidPngOfTheRequestedSize(String size, int width, int height) throws Exception {
        GeneratedImage image = generate(provider, "A futuristic city skyline at sunset", size);
        assertEquals(ImageFormat.PNG, ImageFormat.detect(image.bytes()));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.bytes()));
        assertEquals(width, decoded.getWidth());
        assertEquals(height, decoded.getHeight());
        assertArrayEquals(image.bytes(), Base64.getDecoder().decode(image.base64()));
    }

    @Test
    void samePromptAndSizeGiveTheSamePicture() {
        assertArrayEquals(generate(provider, "a cat", "512x512").bytes(),
                generate(new LocalImageProvider(), "a cat", "512x512").bytes());
    }

    @Test
    void anotherPromptGivesAnotherPicture() {
        assertFalse(java.util.Arrays.equals(generate(provider, "a cat", "512x512").bytes(),
                generate(provider, "a dog", "512x512").bytes()));
    }

    @Test
    void veryLongPromptsStillRender() throws Exception {
        GeneratedImage image = generate(provider, "word ".repeat(5000), "256x256");
        assertEquals(256, ImageIO.read(new ByteArrayInputStream(image.bytes())).getWidth());
    }

    @Test
    void nImagesAreNDifferentPicturesOfThePrompt() {
        GeneratedImages images = provider.generate(new GenerationRequest("a cat", "256x256", "test", "dall-e-2", 3, null));
        assertEquals(3, images.size());
        assertArrayEquals(generate(provider, "a cat", "256x256").bytes(), images.list().get(0).bytes());
        assertFalse(java.util.Arrays.equals(images.list().get(0).bytes(), images.list().get(1).bytes()));
        assertFalse(java.util.Arrays.equals(images.list().get(1).bytes(), images.list().get(2).bytes()));
        for (GeneratedImage image : images) {
            assertEquals(ImageFormat.PNG, ImageFormat.detect(image.bytes()));
        }
    }
}
