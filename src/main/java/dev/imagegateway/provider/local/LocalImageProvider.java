package dev.imagegateway.provider.local;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline provider: renders a PNG of the requested size from the prompt alone (same prompt and size, same
 * picture), so the gateway serves real images on a machine with no OpenAI key.
 */
public class LocalImageProvider {

    private static final Logger LOG = LoggerFactory.getLogger(LocalImageProvider.class);
    private static final int MAX_SIDE = 4096;

    private volatile boolean textUnavailable;

    /**
     * As {@link #generate(GenerationRequest)}, first sending the partial images a streaming client asked for: the
     * first image drawn at 1/8, 1/4 and 1/2 of its size (the last ones when fewer are asked), coarse to fine, as a
     * model's partial images come.
     */
    public GeneratedImages generate(GenerationRequest request, org.apache.camel.Exchange exchange) {
        dev.imagegateway.pipeline.ImageEvents events = dev.imagegateway.pipeline.ImageEvents.of(exchange);
        int partials = Math.min(3, events.partialImages());
        if (partials > 0) {
            int[] wh = dimensions(request.size());
            for (int i = 0; i < partials; i++) {
                int divisor = 1 << (partials - i);
                events.partialImage(i, render(request.prompt(), Math.max(1, wh[0] / divisor), Math.max(1, wh[1] / divisor), 0));
            }
        }
        return request.isEdit() ? edit(request) : generate(request);
    }

    /**
     * An edit, offline: the first input image at the requested size (its own with {@code auto}), the area its mask
     * leaves transparent tinted, the prompt drawn over it; a further image of n is the same with another tint.
     */
    GeneratedImages edit(GenerationRequest request) {
        BufferedImage input = read(request.edit().images().get(0));
        BufferedImage mask = request.edit().mask() == null ? null : read(request.edit().mask());
        int[] wh = "auto".equals(request.size()) && input != null ? new int[] {clamp(input.getWidth()), clamp(input.getHeight())}
                : dimensions(request.size());
        List<GeneratedImage> images = new ArrayList<>(request.count());
        for (int variation = 0; variation < request.count(); variation++) {
            BufferedImage image = new BufferedImage(wh[0], wh[1], BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                if (input != null) {
                    g.drawImage(input, 0, 0, wh[0], wh[1], null);
                } else {
                    // a format ImageIO cannot read (WebP): the prompt's own picture stands in for it
                    g.drawImage(ImageIO.read(new java.io.ByteArrayInputStream(render(request.prompt(), wh[0], wh[1], variation))), 0, 0, null);
                }
                if (mask != null) {
                    tintMasked(image, mask, Color.getHSBColor((0.15f * variation) % 1f, 0.6f, 0.9f));
                }
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                drawPrompt(g, request.prompt(), wh[0], wh[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                g.dispose();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(wh[0] * wh[1] / 4);
            try {
                ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] png = out.toByteArray();
            byte[] base64 = Base64.getEncoder().encode(png);
            images.add(GeneratedImage.of(png, base64, 0, base64.length));
        }
        return new GeneratedImages(images);
    }

    private static BufferedImage read(byte[] bytes) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            return null;
        }
    }

    /** Where the mask (scaled to the image) is transparent, the image is blended with {@code tint}: the edited area. */
    private static void tintMasked(BufferedImage image, BufferedImage mask, Color tint) {
        for (int y = 0; y < image.getHeight(); y++) {
            int my = y * mask.getHeight() / image.getHeight();
            for (int x = 0; x < image.getWidth(); x++) {
                int alpha = (mask.getRGB(x * mask.getWidth() / image.getWidth(), my) >>> 24);
                if (alpha < 128) {
                    int rgb = image.getRGB(x, y);
                    int r = (((rgb >> 16) & 0xFF) + tint.getRed()) / 2;
                    int gr = (((rgb >> 8) & 0xFF) + tint.getGreen()) / 2;
                    int b = ((rgb & 0xFF) + tint.getBlue()) / 2;
                    image.setRGB(x, y, (r << 16) | (gr << 8) | b);
                }
            }
        }
    }

    /** The request's {@code n} images: the first is the prompt's own picture, each further one a variation. */
    public GeneratedImages generate(GenerationRequest request) {
        int[] wh = dimensions(request.size());
        List<GeneratedImage> images = new ArrayList<>(request.count());
        for (int variation = 0; variation < request.count(); variation++) {
            byte[] png = render(request.prompt(), wh[0], wh[1], variation);
            byte[] base64 = Base64.getEncoder().encode(png);
            images.add(GeneratedImage.of(png, base64, 0, base64.length));
        }
        return new GeneratedImages(images);
    }

    static int[] dimensions(String size) {
        if (size == null || !size.matches("\\d{1,5}x\\d{1,5}")) {
            return new int[] {1024, 1024}; // "auto" and anything we would not draw
        }
        String[] parts = size.split("x");
        return new int[] {clamp(Integer.parseInt(parts[0])), clamp(Integer.parseInt(parts[1]))};
    }

    private static int clamp(int side) {
        return Math.max(16, Math.min(MAX_SIDE, side));
    }

    byte[] render(String prompt, int width, int height) {
        return render(prompt, width, height, 0);
    }

    byte[] render(String prompt, int width, int height, int variation) {
        SplittableRandom random = new SplittableRandom(seed(prompt, width, height, variation));
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float hue = random.nextInt(360) / 360f;
            Color top = Color.getHSBColor(hue, 0.55f, 0.95f);
            Color bottom = Color.getHSBColor((hue + 0.35f) % 1f, 0.75f, 0.35f);
            g.setPaint(new GradientPaint(0, 0, top, width, height, bottom));
            g.fillRect(0, 0, width, height);
            int shapes = 12 + random.nextInt(12);
            for (int i = 0; i < shapes; i++) {
                float shapeHue = (hue + random.nextInt(100) / 100f) % 1f;
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.15f + random.nextInt(35) / 100f));
                g.setColor(Color.getHSBColor(shapeHue, 0.6f, 0.9f));
                int d = Math.max(8, (int) (Math.min(width, height) * (0.08 + random.nextInt(30) / 100.0)));
                int x = random.nextInt(width) - d / 2;
                int y = random.nextInt(height) - d / 2;
                if (random.nextBoolean()) {
                    g.fillOval(x, y, d, d);
                } else {
                    g.fillRoundRect(x, y, d, d * 2 / 3, d / 5, d / 5);
                }
            }
            g.setComposite(AlphaComposite.SrcOver);
            drawPrompt(g, prompt, width, height);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(width * height / 4);
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void drawPrompt(Graphics2D g, String prompt, int width, int height) {
        if (textUnavailable) {
            return;
        }
        try {
            int fontSize = Math.max(10, Math.min(width, height) / 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, fontSize));
            FontMetrics metrics = g.getFontMetrics();
            int margin = width / 12;
            List<String> lines = wrap(prompt, metrics, width - 2 * margin, Math.max(1, (height / 2) / metrics.getHeight()));
            int blockHeight = lines.size() * metrics.getHeight();
            int y = (height - blockHeight) / 2;
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.55f));
            g.setColor(Color.BLACK);
            g.fillRoundRect(margin / 2, y - metrics.getHeight() / 2, width - margin, blockHeight + metrics.getHeight(), 24, 24);
            g.setComposite(AlphaComposite.SrcOver);
            g.setColor(Color.WHITE);
            for (String line : lines) {
                g.drawString(line, (width - metrics.stringWidth(line)) / 2, y + metrics.getAscent());
                y += metrics.getHeight();
            }
        } catch (RuntimeException | Error e) {
            // a JVM without fonts still gets its picture, only without the caption
            textUnavailable = true;
            LOG.warn("Offline provider cannot draw text on this machine ({}); images will carry no caption", e.toString());
        }
    }

    /** Greedy word wrap; past maxLines the last line ends in an ellipsis. */
    private static List<String> wrap(String text, FontMetrics metrics, int maxWidth, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (!line.isEmpty() && metrics.stringWidth(line + " " + word) > maxWidth) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        if (lines.size() <= maxLines) {
            return lines;
        }
        List<String> shown = new ArrayList<>(lines.subList(0, maxLines));
        String last = shown.get(maxLines - 1);
        while (last.length() > 1 && metrics.stringWidth(last + "...") > maxWidth) {
            last = last.substring(0, last.length() - 1);
        }
        shown.set(maxLines - 1, last + "...");
        return shown;
    }

    private static long seed(String prompt, int width, int height, int variation) {
        try {
            String key = prompt + "|" + width + "x" + height + (variation == 0 ? "" : "|" + variation);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long seed = 0;
            for (int i = 0; i < 8; i++) {
                seed = (seed << 8) | (digest[i] & 0xFF);
            }
            return seed;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
