package dev.imagegateway.pipeline;

/**
 * The optional generation settings of a request, each null when the request names none (the model's default
 * applies). The string options are checked against the model's catalog entry under their request field names.
 *
 * @param quality           e.g. low, medium, high, xhigh, max, auto (hd, standard for DALL-E)
 * @param style             vivid or natural (dall-e-3 only)
 * @param background        transparent, opaque, auto
 * @param moderation        low, auto
 * @param outputFormat      png, jpeg, webp
 * @param outputCompression 0-100, for jpeg and webp
 * @param user              the caller's end-user id, passed on for the upstream's abuse monitoring
 */
public record ImageOptions(String quality, String style, String background, String moderation, String outputFormat,
                           Integer outputCompression, String user) {

    public static final ImageOptions NONE = new ImageOptions(null, null, null, null, null, null, null);

    /** The value of a string option by its request field name (quality, style, background, moderation, output_format). */
    public String get(String field) {
        return switch (field) {
            case "quality" -> quality;
            case "style" -> style;
            case "background" -> background;
            case "moderation" -> moderation;
            case "output_format" -> outputFormat;
            default -> throw new IllegalArgumentException("No option " + field);
        };
    }

    /** The same options with one string option set (null removes it). */
    public ImageOptions with(String field, String value) {
        return switch (field) {
            case "quality" -> new ImageOptions(value, style, background, moderation, outputFormat, outputCompression, user);
            case "style" -> new ImageOptions(quality, value, background, moderation, outputFormat, outputCompression, user);
            case "background" -> new ImageOptions(quality, style, value, moderation, outputFormat, outputCompression, user);
            case "moderation" -> new ImageOptions(quality, style, background, value, outputFormat, outputCompression, user);
            case "output_format" -> new ImageOptions(quality, style, background, moderation, value, outputCompression, user);
            default -> throw new IllegalArgumentException("No option " + field);
        };
    }

    public ImageOptions withOutputCompression(Integer value) {
        return new ImageOptions(quality, style, background, moderation, outputFormat, value, user);
    }
}
