package dev.imagegateway.pipeline;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.imagegateway.AccessLog;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.models.Lifecycle;
import dev.imagegateway.models.ModelCatalog;
import dev.imagegateway.models.ModelCatalogSource;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.models.SizeRules;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * First step of the shared route: resolves the model through the catalog, refuses what the named model would refuse
 * before anything is spent upstream, fills in the defaults, and maps a request for a shut-down model onto the model
 * that now serves it (size to the nearest it accepts, quality through the catalog's map, options it does not take
 * dropped). Where the catalog is silent the request goes through and the upstream judges.
 */
public class RequestValidator implements Processor {

    private static final int MAX_USER_LENGTH = 256;
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern OPTION_VALUE = Pattern.compile("[a-z0-9_.-]{1,32}");

    private final ModelCatalogSource catalogs;
    private final boolean passthrough;
    private final String defaultProvider;
    private final Clock clock;

    /**
     * @param passthrough     serve a model the catalog does not list (generic checks only), with {@code defaultProvider}
     */
    public RequestValidator(ModelCatalogSource catalogs, boolean passthrough, String defaultProvider, Clock clock) {
        this.catalogs = catalogs;
        this.passthrough = passthrough;
        this.defaultProvider = defaultProvider;
        this.clock = clock;
    }

    /** The result: the request to generate and the model resolution behind it. */
    public record Validated(GenerationRequest request, ServedModel model) {
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
        Validated valid = validate(request);
        exchange.setProperty(AccessLog.SIZE, valid.request().size());
        // for what is recorded beside the saved images
        exchange.setProperty(dev.imagegateway.gallery.ImageMetadata.REQUEST, valid.request());
        exchange.setProperty(ServedModel.PROPERTY, valid.model());
        exchange.getMessage().setBody(valid.request());
    }

    public Validated validate(GenerationRequest request) {
        if (request == null || request.prompt() == null || request.prompt().isBlank()) {
            throw GatewayException.invalid("prompt", "Prompt is required");
        }
        ModelCatalog catalog = catalogs.catalog();
        String name = request.model() == null || request.model().isBlank() ? catalogs.defaultModel(catalog) : request.model().trim();
        ModelEntry named = catalog.find(name);
        if (named == null) {
            if (!passthrough || !MODEL_NAME.matcher(name).matches()) {
                throw new GatewayException(ErrorKind.INVALID_ARGUMENT, "Field 'model' is not available: '" + shorten(name)
                        + "'; available: " + String.join(", ", available(catalog)), null, null, 0, "model", "model_not_found");
            }
            named = ModelEntry.passthrough(name, defaultProvider);
        }
        // first the named model's own rules: a request it would have refused is refused, even when it is mapped
        if (request.prompt().length() > named.promptLimit()) {
            throw GatewayException.invalid("prompt", "Field 'prompt' is too long: " + request.prompt().length()
                    + " characters, " + name + " accepts at most " + named.promptLimit());
        }
        String size = request.size() == null || request.size().isBlank() ? named.defaultSize() : request.size().trim();
        if (!SizeRules.AUTO.equals(size) && SizeRules.parse(size) == null) {
            throw GatewayException.invalid("size", "Field 'size' is invalid: '" + shorten(size)
                    + "'; expected WIDTHxHEIGHT (as 1024x1024) or auto");
        }
        String refusal = named.sizes().refusal(size);
        if (refusal != null) {
            throw GatewayException.invalid("size", "Field 'size' is invalid for " + name + ": '" + shorten(size) + "'; " + refusal);
        }
        int n = request.count();
        if (n < 1 || n > named.imagesLimit()) {
            throw GatewayException.invalid("n", "Field 'n' is invalid for " + name + ": " + n
                    + (named.imagesLimit() == 1 ? "; it makes one image per request" : "; allowed: 1 to " + named.imagesLimit()));
        }
        ImageOptions options = request.options();
        for (String option : ModelEntry.OPTIONS) {
            checkOption(option, options.get(option), name, named.accepted(option));
        }
        Integer compression = options.outputCompression();
        if (compression != null) {
            if (Boolean.FALSE.equals(named.outputCompression())) {
                throw GatewayException.invalid("output_compression", "Field 'output_compression' is not supported by " + name);
            }
            if (compression < 0 || compression > 100) {
                throw GatewayException.invalid("output_compression", "Field 'output_compression' must be 0 to 100, not " + compression);
            }
        }
        if (options.user() != null && (options.user().length() > MAX_USER_LENGTH || !options.user().matches("[\\x20-\\x7E]*"))) {
            throw GatewayException.invalid("user", "Field 'user' must be at most " + MAX_USER_LENGTH + " printable ASCII characters");
        }
        if (request.isEdit()) {
            checkEdit(request.edit(), name, named);
        }
        // then its lifecycle: itself, its replacement, or refused as OpenAI refuses a shut-down model
        LocalDate today = LocalDate.now(clock);
        ModelEntry served = named.inCatalog() ? catalog.servedBy(named, today) : named;
        if (served == null) {
            Lifecycle life = named.lifecycle();
            throw new GatewayException(ErrorKind.NOT_FOUND, "The model `" + name + "` has been shut down"
                    + (life.shutdown() != null ? " (" + life.shutdown() + ")" : "") + " and is not served; available: "
                    + String.join(", ", available(catalog)), null, null, 0, "model", "model_not_found");
        }
        if (served != named) {
            size = served.sizes().nearest(size, served.defaultSize());
            options = mapOptions(named, served, options);
            if (n > served.imagesLimit() || request.prompt().length() > served.promptLimit()) {
                throw GatewayException.invalid(n > served.imagesLimit() ? "n" : "prompt", "The model `" + name
                        + "` is served by " + served.name() + ", which takes at most " + served.imagesLimit()
                        + " images and " + served.promptLimit() + " characters");
            }
        }
        return new Validated(request.resolved(size, served.name(), n, options), new ServedModel(name, named, served));
    }

    /**
     * {@code request}, valid for {@code from}, as {@code to} would take it (a fallback model): size to the nearest it
     * accepts, options it does not take dropped; null when it cannot make it at all (more images, a longer prompt).
     */
    public static GenerationRequest mapTo(GenerationRequest request, ModelEntry from, ModelEntry to) {
        if (from == to) {
            return request;
        }
        if (request.count() > to.imagesLimit() || request.prompt().length() > to.promptLimit()
                || request.isEdit() && Boolean.FALSE.equals(to.edits())) {
            return null;
        }
        String size = to.sizes().nearest(request.size(), to.defaultSize());
        return request.resolved(size, to.name(), request.count(), mapOptions(from, to, request.options()));
    }

    /** An edit: a model that edits, 1 to 16 images of a format by their bytes, a PNG mask, a known fidelity. */
    private static void checkEdit(EditInput edit, String name, ModelEntry named) {
        if (Boolean.FALSE.equals(named.edits())) {
            throw GatewayException.invalid("model", "The model " + name + " does not edit images; choose one that does (GET /v1/models)");
        }
        if (edit.images().isEmpty() || edit.images().size() > EditInput.MAX_IMAGES) {
            throw GatewayException.invalid("image", "An edit takes 1 to " + EditInput.MAX_IMAGES + " images, not " + edit.images().size());
        }
        for (int i = 0; i < edit.images().size(); i++) {
            ImageFormat format = ImageFormat.detect(edit.images().get(i));
            if (format != ImageFormat.PNG && format != ImageFormat.JPEG && format != ImageFormat.WEBP) {
                throw GatewayException.invalid("image", "Image " + (i + 1) + " is not a PNG, JPEG or WebP image");
            }
        }
        if (edit.mask() != null && ImageFormat.detect(edit.mask()) != ImageFormat.PNG) {
            throw GatewayException.invalid("mask", "The mask must be a PNG image (transparent where the image is edited)");
        }
        if (edit.inputFidelity() != null && !edit.inputFidelity().equals("high") && !edit.inputFidelity().equals("low")) {
            throw GatewayException.invalid("input_fidelity", "Field 'input_fidelity' must be high or low");
        }
    }

    /** The request's options as the serving model takes them: quality through the map, anything it refuses dropped. */
    private static ImageOptions mapOptions(ModelEntry named, ModelEntry served, ImageOptions options) {
        ImageOptions mapped = options;
        String quality = options.quality();
        if (quality != null && named.qualityMap().containsKey(quality)) {
            mapped = mapped.with("quality", named.qualityMap().get(quality));
        }
        for (String option : ModelEntry.OPTIONS) {
            Set<String> accepted = served.accepted(option);
            String value = mapped.get(option);
            if (value != null && accepted != null && !accepted.contains(value)) {
                mapped = mapped.with(option, null);
            }
        }
        if (mapped.outputCompression() != null && Boolean.FALSE.equals(served.outputCompression())) {
            mapped = mapped.withOutputCompression(null);
        }
        return mapped;
    }

    /** The names a client can use today: every entry but those refused. */
    private Set<String> available(ModelCatalog catalog) {
        LocalDate today = LocalDate.now(clock);
        Set<String> names = new TreeSet<>();
        for (ModelEntry entry : catalog.entries()) {
            if (catalog.servedBy(entry, today) != null) {
                names.add(entry.name());
            }
        }
        return names;
    }

    private static void checkOption(String field, String value, String model, Set<String> allowed) {
        if (value == null) {
            return;
        }
        if (allowed == null) {
            if (!OPTION_VALUE.matcher(value).matches()) {
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
