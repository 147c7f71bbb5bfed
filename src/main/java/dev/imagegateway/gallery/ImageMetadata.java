package dev.imagegateway.gallery;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.RequestValidator;
import dev.imagegateway.pipeline.ServedModel;
import dev.imagegateway.security.ApiKeyFilter;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an image was made from, kept beside it in its {@link ImageStore} ({@code IMAGES_DIR/.meta/<filename>.json}, or
 * the bucket's {@code .meta/<filename>.json}) (prompt, revised prompt,
 * the model that served it and the one the request named, provider, size, quality, door, key name, and what the upstream
 * said it produced and used; never a key), so the gallery can show it and give the image its alt text. The image
 * file itself stays the upstream's bytes, untouched. Off with {@code images.metadata=false}.
 */
public class ImageMetadata {

    /** Exchange property with the validated request, set by the shared route. */
    public static final String REQUEST = "gatewayValidRequest";
    /** Exchange property with the image being saved. */
    public static final String IMAGE = "gatewaySavedImage";
    /** Exchange property with what the upstream said about the generation (usage, size, quality...), or null. */
    public static final String DETAILS = "gatewayGenerationDetails";

    private static final Logger LOG = LoggerFactory.getLogger(ImageMetadata.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ImageStore store;
    private final boolean enabled;

    public ImageMetadata(ImageStore store, boolean enabled) {
        this.store = store;
        this.enabled = enabled;
    }

    /** Called once the image file exists. A failure here is logged; the image is saved all the same. */
    public void record(@ExchangeProperty(IMAGE) GeneratedImage image, @ExchangeProperty(REQUEST) GenerationRequest request,
                       @ExchangeProperty(ApiKeyFilter.KEY_NAME) String keyName,
                       @ExchangeProperty(ServedModel.PROPERTY) ServedModel model,
                       @ExchangeProperty(DETAILS) ObjectNode details,
                       @ExchangeProperty(dev.imagegateway.AccessLog.REQUEST_ID) String requestId) {
        if (!enabled || request == null) {
            return;
        }
        ObjectNode json = MAPPER.createObjectNode();
        json.put("filename", image.filename());
        json.put("prompt", request.prompt());
        if (image.revisedPrompt() != null) {
            json.put("revised_prompt", image.revisedPrompt());
        }
        // the model that served it; the name the request gave, when that was another (a shut-down model's alias)
        json.put("model", request.model());
        if (model != null && !model.requested().equals(request.model())) {
            json.put("requested_model", model.requested());
        }
        if (model != null && model.deployment() != null) {
            // who served it: the provider and its deployment (the catalog's name, never an endpoint or a key)
            json.put("provider", model.provider());
            json.put("deployment", model.deployment());
        }
        json.put("size", request.size());
        if (request.quality() != null) {
            json.put("quality", request.quality());
        }
        if (details != null) {
            json.set("upstream", details);
        }
        json.put("door", request.door());
        if (requestId != null) {
            json.put("request_id", requestId);
        }
        json.put("key", keyName);
        json.put("created_ms", System.currentTimeMillis());
        try {
            store.writeMetadata(image.filename(), MAPPER.writeValueAsBytes(json));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not record what {} was made from: {}", image.filename(), e.getMessage());
        }
    }

    /** The recorded metadata of an image, or null when there is none (metadata off, an older image, a copied-in file). */
    public JsonNode read(String filename) {
        try {
            byte[] json = store.readMetadata(filename);
            return json == null ? null : MAPPER.readTree(json);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Unreadable metadata for {}: {}", filename, e.getMessage());
            return null;
        }
    }
}
