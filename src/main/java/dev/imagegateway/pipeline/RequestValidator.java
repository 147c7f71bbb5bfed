package dev.imagegateway.pipeline;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * First step of the shared route: refuses what the model would refuse, before anything is spent upstream,
 * and fills in the default size.
 */
public class RequestValidator implements Processor {

    private final String model;

    public RequestValidator(String model) {
        this.model = model;
    }

    @Override
    public void process(Exchange exchange) {
        GenerationRequest request = exchange.getMessage().getBody(GenerationRequest.class);
        if (request != null) {
            // what the client asked for, for the access log even if refused below; never a line-breaking string
            String size = request.size();
            exchange.setProperty(dev.imagegateway.AccessLog.SIZE,
                    size == null || size.matches("[0-9a-zA-Z]{0,16}") ? size : "invalid");
            exchange.setProperty(dev.imagegateway.AccessLog.PROMPT, request.prompt());
        }
        GenerationRequest valid = validate(request);
        exchange.setProperty(dev.imagegateway.AccessLog.SIZE, valid.size());
        exchange.getMessage().setBody(valid);
    }

    public GenerationRequest validate(GenerationRequest request) {
        if (request == null || request.prompt() == null || request.prompt().isBlank()) {
            throw new GatewayException(ErrorKind.INVALID_ARGUMENT, "Prompt is required");
        }
        ModelCatalog.ModelLimits limits = ModelCatalog.limits(model);
        if (request.prompt().length() > limits.maxPromptLength()) {
            throw new GatewayException(ErrorKind.INVALID_ARGUMENT, "Field 'prompt' is too long: " + request.prompt().length()
                    + " characters, " + model + " accepts at most " + limits.maxPromptLength());
        }
        String size = request.size() == null || request.size().isBlank() ? ModelCatalog.DEFAULT_SIZE : request.size().trim();
        if (!ModelCatalog.acceptsSize(model, size)) {
            String allowed = limits.sizes().isEmpty() ? "WIDTHxHEIGHT or auto" : String.join(", ", limits.sizes());
            throw new GatewayException(ErrorKind.INVALID_ARGUMENT,
                    "Field 'size' is invalid for " + model + ": '" + shorten(size) + "'; allowed: " + allowed);
        }
        return request.withSize(size);
    }

    /** Echo at most a short, printable part of what the client sent. */
    private static String shorten(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
