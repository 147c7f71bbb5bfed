package dev.imagegateway.client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import dev.imagegateway.routes.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java client against a running gateway (offline provider), printing what the seed's client printed. */
class ClientCommandTest extends GatewayTestSupport {

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("image.provider", "local");
        return p;
    }

    private String[] run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // "edit ..." is the jar's edit command, anything else its client command
            boolean edit = args.length > 0 && args[0].equals("edit");
            int code = new CommandLine(edit ? new EditCommand() : new ClientCommand())
                    .execute(edit ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
            return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void printsLikeTheSeedClient() throws Exception {
        String[] result = run("--prompt", "A futuristic city skyline at sunset", "--server", "localhost:" + grpcPort(), "--key", KEY);
        assertEquals("0", result[0], result[1]);
        String[] lines = result[1].split("\\R");
        assertEquals("Image Generated Successfully!", lines[0]);
        assertTrue(lines[1].matches("Base64 Image Data: iVBORw0KGgo.{89}\\.\\.\\."), lines[1]);
        assertTrue(lines[2].matches("Image saved as: images/\\d{10}_[0-9a-f]{12}\\.png"), lines[2]);
        savedImage(lines[2].substring("Image saved as: images/".length()));
        assertEquals("Model: gpt-image-2.6-flare", lines[3]);
    }

    @Test
    void asksForAModelAndItsOptions() throws Exception {
        String[] result = run("--prompt", "A lake", "--model", "dall-e-3", "--size", "1792x1024", "--quality", "hd",
                "--server", "localhost:" + grpcPort(), "--key", KEY);
        assertEquals("0", result[0], result[1]);
        String[] lines = result[1].split("\\R");
        String filename = lines[2].substring("Image saved as: images/".length());
        assertArrayEquals(new int[] {1792, 1024}, pngSize(java.nio.file.Files.readAllBytes(savedImage(filename))));
        assertEquals("Model: gpt-image-2.6-flare", lines[3], "dall-e-3 is served by today's model");
        String[] refused = run("--prompt", "x", "--model", "dall-e-3", "--quality", "ultra", "--server", "localhost:" + grpcPort(), "--key", KEY);
        assertEquals("1", refused[0]);
        assertTrue(refused[1].startsWith("Error: INVALID_ARGUMENT - Field 'quality' is invalid for dall-e-3"), refused[1]);
    }

    @Test
    void reportsErrorsWithTheStatusAndFails() {
        String[] result = run("--prompt", "x", "--server", "localhost:" + grpcPort(), "--key", "wrong");
        assertEquals("1", result[0]);
        assertEquals("Error: PERMISSION_DENIED - Invalid API key", result[1].trim());
        String[] bad = run("--prompt", "x", "--size", "3x3", "--server", "localhost:" + grpcPort(), "--key", KEY);
        assertEquals("1", bad[0]);
        assertTrue(bad[1].startsWith("Error: INVALID_ARGUMENT - Field 'size'"), bad[1]);
    }

    @Test
    void streamsProgressAndPartialImagesAndWritesTheImageAsItArrives() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("client-stream");
        java.nio.file.Path file = dir.resolve("kite.png");
        String[] result = run("--prompt", "A kite", "--size", "1024x1024", "--stream", "--partial-images", "2", "--out", file.toString(),
                "--server", "localhost:" + grpcPort(), "--key", KEY);
        assertEquals("0", result[0], result[1]);
        String[] lines = result[1].split("\\R");
        assertEquals("Image Generated Successfully!", lines[0]);
        assertEquals("Image written to: " + file, lines[1]);
        String filename = lines[2].substring("Image saved as: images/".length());
        assertArrayEquals(java.nio.file.Files.readAllBytes(savedImage(filename)), java.nio.file.Files.readAllBytes(file));
        assertEquals("Model: gpt-image-2.6-flare (local/local)", lines[3]);
        assertArrayEquals(new int[] {256, 256}, pngSize(java.nio.file.Files.readAllBytes(dir.resolve("partial-1.png"))));
        assertArrayEquals(new int[] {512, 512}, pngSize(java.nio.file.Files.readAllBytes(dir.resolve("partial-2.png"))));
        String[] refused = run("--prompt", "x", "--stream", "--server", "localhost:" + grpcPort(), "--key", "wrong");
        assertEquals("1", refused[0]);
        assertEquals("Error: PERMISSION_DENIED - Invalid API key", refused[1].trim());
    }

    @Test
    void editsAnImageWithAMaskThroughEditImage() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("client-edit");
        java.nio.file.Path input = dir.resolve("in.png");
        java.nio.file.Path mask = dir.resolve("mask.png");
        java.nio.file.Files.write(input, dev.imagegateway.routes.UpstreamStub.png(200, 100, java.awt.Color.GREEN));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(200, 100, java.awt.image.BufferedImage.TYPE_INT_ARGB), "png", mask.toFile());
        java.nio.file.Path out = dir.resolve("edited.png");
        String[] result = run("edit", "--prompt", "A green field, edited", "--size", "auto", "--image", input.toString(), "--mask", mask.toString(),
                "--out", out.toString(), "--server", "localhost:" + grpcPort(), "--key", KEY);
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].startsWith("Image Generated Successfully!"), result[1]);
        assertArrayEquals(new int[] {200, 100}, pngSize(java.nio.file.Files.readAllBytes(out)), "size auto: the input's own");
        String[] noImage = run("edit", "--prompt", "x", "--server", "localhost:" + grpcPort(), "--key", KEY);
        assertEquals("2", noImage[0]);
        assertEquals("Error: edit needs at least one --image", noImage[1].trim());
    }
}
