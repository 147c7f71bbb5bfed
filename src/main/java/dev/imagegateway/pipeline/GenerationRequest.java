package dev.imagegateway.pipeline;

/**
 * What every door hands to the shared generation route, whatever the protocol it came in on. Only the prompt is
 * required; the validator fills in the defaults, so past it every field but {@code quality}, {@code style} and
 * {@code user} is set.
 *
 * @param prompt  the text to render
 * @param size    WIDTHxHEIGHT as the model names it; blank means the default size
 * @param door    where the request came from (grpc, rest, openai, inbox), for logs
 * @param model   the model to ask; null means the configured one
 * @param n       how many images; null means 1
 * @param quality the model's quality option, or null for its default
 * @param style   the model's style option (dall-e-3), or null
 * @param user    the caller's end-user id, passed on to the upstream for its abuse monitoring, or null
 */
public record GenerationRequest(String prompt, String size, String door, String model, Integer n, String quality,
                                String style, String user) {

    /** A request of the seed's shape: one image of the configured model. */
    public GenerationRequest(String prompt, String size, String door) {
        this(prompt, size, door, null, null, null, null, null);
    }

    public GenerationRequest withDefaults(String newSize, String newModel, int newN) {
        return new GenerationRequest(prompt, newSize, door, newModel, newN, quality, style, user);
    }

    /** Number of images asked for, 1 unless set. */
    public int count() {
        return n == null ? 1 : n;
    }
}
