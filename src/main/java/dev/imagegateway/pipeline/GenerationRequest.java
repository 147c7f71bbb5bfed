package dev.imagegateway.pipeline;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What every door hands to the shared generation route, whatever the protocol it came in on. Only the prompt is
 * required; the validator fills in the defaults and resolves the model through the catalog, so past it {@code size},
 * {@code model} (the model that serves the request) and {@code n} are set.
 *
 * @param prompt  the text to render
 * @param size    WIDTHxHEIGHT or auto; blank means the model's default size
 * @param door    where the request came from (grpc, rest, openai, inbox), for logs
 * @param model   the model to ask; null means the configured one
 * @param n       how many images; null means 1
 * @param options quality, style, background, moderation, output format and compression, user
 * @param extra   request fields the gateway does not know, passed on to the upstream as they came (OpenAI door only)
 * @param edit    the images to edit and their mask, or null for a generation
 */
public record GenerationRequest(String prompt, String size, String door, String model, Integer n, ImageOptions options,
                                Map<String, JsonNode> extra, EditInput edit) {

    public GenerationRequest {
        options = options == null ? ImageOptions.NONE : options;
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /** A request of the seed's shape: one image of the configured model. */
    public GenerationRequest(String prompt, String size, String door) {
        this(prompt, size, door, null, null, ImageOptions.NONE, Map.of(), null);
    }

    public GenerationRequest(String prompt, String size, String door, String model, Integer n, ImageOptions options) {
        this(prompt, size, door, model, n, options, Map.of(), null);
    }

    public GenerationRequest(String prompt, String size, String door, String model, Integer n, ImageOptions options,
                             Map<String, JsonNode> extra) {
        this(prompt, size, door, model, n, options, extra, null);
    }

    /** This request as an edit of {@code input}. */
    public GenerationRequest withEdit(EditInput input) {
        return new GenerationRequest(prompt, size, door, model, n, options, extra, input);
    }

    /** True for an edit of input images rather than a generation. */
    public boolean isEdit() {
        return edit != null;
    }

    /** The request as the validator resolved it: the size, serving model, n and options to use. */
    public GenerationRequest resolved(String newSize, String newModel, int newN, ImageOptions newOptions) {
        return new GenerationRequest(prompt, newSize, door, newModel, newN, newOptions, extra, edit);
    }

    /** Number of images asked for, 1 unless set. */
    public int count() {
        return n == null ? 1 : n;
    }

    public String quality() {
        return options.quality();
    }

    public String style() {
        return options.style();
    }

    public String user() {
        return options.user();
    }
}
