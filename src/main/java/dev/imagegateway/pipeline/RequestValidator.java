package dev.imagegateway.pipeline;

import java.util.Set;
import java.util.TreeSet;

import dev.imagegateway.AccessLog;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * First step of the shared route: refuses what the model would refuse, before anything is spent upstream,
 * and fills in the defaults (the configured model, the default size, one image).
 * <p>
 * A client may name a model other than the configured one only if it is one whose limits we know: a typo must not
 * become a paid upstream call, and an unknown model cannot be validated.
 */
public class RequestValidator implements Processor {

    private static final int MAX_USER_LENGTH = 256;

    private final String defaultModel;
    private final Set<String> models;

    public RequestValidator(String defaultModel) {
        this.defaultModel = defaultModel;
        Set<String> allowed = new TreeSet<>(ModelCatalog.knownModels());
        allowed.add(defaultModel);
        this.models = allowed;
    }

    @Override
    public void process(Exchange exchange) {
        GenerationRequest request = exchange.getMessage().getBody(GenerationRequest.class);
        if (request != null) {
            // what the client asked for, for the access log even if refused below; never a line-breaking string
            String size = request.size();
            exchange.setProperty(AccessLog.SIZE, size == null || size.matches("[0-9a-zA-Z]{0,16}") ? size : "invalid");
            exchange.setProperty(AccessLog.PROMPT, request.prompt());
        }
        GenerationRequest valid = validate(request);
        exchange.setProperty(AccessLog.SIZE, valid.size());
        // for what is recorded beside the saved images
        exchange.setProperty(dev.imagegateway.gallery.ImageMetadata.REQUEST, valid);
        exchange.getMessage().setBody(valid);
    }

    public GenerationRequest validate(GenerationRequest request) {
        if (request == null || request.prompt() == null || request.prompt().isBlank()) {
            throw GatewayException.invalid("prompt", "Prompt is required");
        }
        String model = request.model() == null || request.model().isBlank() ? defaultModel : request.model().trim();
        if (!models.contains(model)) {
            throw GatewayException.invalid("model", "Field 'model' is not available: '" + shorten(model)
                    + "'; available: " + String.join(", ", models));
        }
        ModelCatalog.ModelLimits limits = ModelCatalog.limits(model);
        if (request.prompt().length() > limits.maxPromptLength()) {
            throw GatewayException.invalid("prompt", "Field 'prompt' is too long: " + request.prompt().length()
                    + " characters, " + model + " accepts at most " + limits.maxPromptLength());
        }
        String size = request.size() == null || request.size().isBlank() ? ModelCatalog.DEFAULT_SIZE : request.size().trim();
        if (!ModelCatalog.acceptsSize(model, size)) {
            String allowed = limits.sizes().isEmpty() ? "WIDTHxHEIGHT or auto" : String.join(", ", limits.sizes());
            throw GatewayException.invalid("size",
                    "Field 'size' is invalid for " + model + ": '" + shorten(size) + "'; allowed: " + allowed);
        }
        int n = request.count();
        if (n < 1 || n > limits.maxImages()) {
            throw GatewayException.invalid("n", "Field 'n' is invalid for " + model + ": " + n
                    + (limits.maxImages() == 1 ? "; it makes one image per request" : "; allowed: 1 to " + limits.maxImages()));
        }
        checkOption("quality", request.quality(), model, limits.qualities());
        checkOption("style", request.style(), model, limits.styles());
        if (request.user() != null && (request.user().length() > MAX_USER_LENGTH || !request.user().matches("[\\x20-\\x7E]*"))) {
            throw GatewayException.invalid("user", "Field 'user' must be at most " + MAX_USER_LENGTH + " printable ASCII characters");
        }
        return request.withDefaults(size, model, n);
    }

    private static void checkOption(String field, String value, String model, Set<String> allowed) {
        if (value == null) {
            return;
        }
        if (allowed == null) {
            if (!value.matches("[a-z0-9_-]{1,32}")) {
                throw GatewayException.invalid(field, "Field '" + field + "' is invalid: '" + shorten(value) + "'");
            }
            return;
        }
        if (allowed.isEmpty()) {
            throw GatewayException.invalid(field, "Field '" + field + "' is not supported by " + model);
        }
        if (!allowed.contains(value)) {
            throw GatewayException.invalid(field, "Field '" + field + "' is invalid for " + model + ": '" + shorten(value)
                    + "'; allowed: " + String.join(", ", new TreeSet<>(allowed)));
        }
    }

    /** Echo at most a short, printable part of what the client sent. */
    private static String shorten(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
