package dev.imagegateway.provider.google;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.provider.AspectRatios;
import dev.imagegateway.provider.LiveDeployment;
import dev.imagegateway.provider.ProviderCall;
import dev.imagegateway.provider.ProviderOptions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Google's Gemini API (https://generativelanguage.googleapis.com/v1beta), key in {@code x-goog-api-key}. Two shapes, by
 * the deployment's model id:
 * <ul>
 * <li>Gemini image models (gemini-3.1-flash-image, gemini-3-pro-image...): {@code models/{model}:generateContent} with
 *   {@code generationConfig.responseModalities: ["IMAGE"]} and {@code imageConfig.{aspectRatio, imageSize}} (1:1, 2:3,
 *   3:2, 3:4, 4:3, 9:16, 16:9, 21:9; 1K, 2K, 4K), one image per call, so {@code n} is that many calls; the Gemini API
 *   takes no output MIME type or compression (googleapis js-genai, ImageConfig);</li>
 * <li>Imagen ({@code imagen-*}): {@code models/{model}:predict} with {@code instances[0].prompt} and
 *   {@code parameters.{sampleCount, aspectRatio, sampleImageSize, outputOptions.mimeType}} (1:1, 3:4, 4:3, 9:16, 16:9;
 *   1K, 2K), {@code n} as sampleCount, 1 to 4 (googleapis python-genai models.py, the Gemini API mapping). Google shut
 *   Imagen down on the Gemini API on 2026-08-17; the shape stays for servers that still speak it.</li>
 * </ul>
 * Sources and their status: docs/design/provider-apis.md §2.
 */
public class GoogleRequestBuilder implements Processor {

    static final List<String> GEMINI_RATIOS = List.of("1:1", "2:3", "3:2", "3:4", "4:3", "9:16", "16:9", "21:9");
    static final List<String> IMAGEN_RATIOS = List.of("1:1", "3:4", "4:3", "9:16", "16:9");
    private static final ObjectMapper JSON = new ObjectMapper();

    static boolean imagen(String model) {
        return model.startsWith("imagen-");
    }

    /** How many calls the request takes: one per image for Gemini models, one for Imagen (sampleCount). */
    public void plan(Exchange exchange) {
        GenerationRequest request = ProviderCall.request(exchange);
        String model = ProviderCall.upstreamModel(exchange);
        // Imagen takes a JPEG's compression; the Gemini API takes no output MIME type or compression
        ProviderOptions.generatesOnly(request, "Google " + model, imagen(model) ? Set.of("png", "jpeg") : Set.of("png"), imagen(model));
        if (imagen(model) && request.count() > 4) {
            throw dev.imagegateway.error.GatewayException.invalid("n", "Field 'n' is at most 4 on Google Imagen");
        }
        exchange.setProperty(ProviderCall.CALLS, imagen(model) ? 1 : request.count());
    }

    @Override
    public void process(Exchange exchange) {
        LiveDeployment deployment = ProviderCall.deployment(exchange);
        GenerationRequest request = ProviderCall.request(exchange);
        String model = ProviderCall.upstreamModel(exchange);
        ObjectNode body = JSON.createObjectNode();
        String size = request.size();
        int edge = AspectRatios.longEdge(size);
        if (imagen(model)) {
            body.putArray("instances").addObject().put("prompt", request.prompt());
            ObjectNode parameters = body.putObject("parameters");
            parameters.put("sampleCount", request.count());
            String ratio = AspectRatios.nearest(size, IMAGEN_RATIOS);
            if (ratio != null) {
                parameters.put("aspectRatio", ratio);
                parameters.put("sampleImageSize", edge > 1280 ? "2K" : "1K");
            }
            String format = request.options().get("output_format");
            if ("jpeg".equals(format)) {
                ObjectNode output = parameters.putObject("outputOptions");
                output.put("mimeType", "image/jpeg");
                if (request.options().outputCompression() != null) {
                    output.put("compressionQuality", request.options().outputCompression());
                }
            }
        } else {
            body.putArray("contents").addObject().putArray("parts").addObject().put("text", request.prompt());
            ObjectNode config = body.putObject("generationConfig");
            config.putArray("responseModalities").add("IMAGE");
            String ratio = AspectRatios.nearest(size, GEMINI_RATIOS);
            if (ratio != null) {
                ObjectNode image = config.putObject("imageConfig");
                image.put("aspectRatio", ratio);
                image.put("imageSize", edge > 2560 ? "4K" : edge > 1280 ? "2K" : "1K");
            }
        }
        String url = deployment.baseUrl() + "/models/" + model + (imagen(model) ? ":predict" : ":generateContent");
        Message message = ProviderCall.aim(exchange, "POST", url, "application/json");
        try {
            message.setBody(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("x-goog-api-key", deployment.apiKey());
    }
}
