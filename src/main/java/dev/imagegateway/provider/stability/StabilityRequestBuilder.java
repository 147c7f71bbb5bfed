package dev.imagegateway.provider.stability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.provider.AspectRatios;
import dev.imagegateway.provider.LiveDeployment;
import dev.imagegateway.provider.ProviderCall;
import dev.imagegateway.provider.ProviderOptions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Stability AI's Stable Image API, {@code POST {base}/v2beta/stable-image/generate/{core|ultra|sd3}}, a
 * {@code multipart/form-data} request (even for text alone) with {@code Authorization: Bearer}, answered as JSON
 * ({@code Accept: application/json}: the image as base64, {@code finish_reason}, {@code seed}). One image per call, so
 * {@code n} is that many calls. The deployment's model id picks the endpoint: {@code stable-image-core} and
 * {@code stable-image-ultra}, else an SD3 model ({@code sd3.5-large}, {@code sd3.5-medium}...) sent as the form's
 * {@code model} to {@code sd3}. Size becomes the nearest {@code aspect_ratio} (16:9, 1:1, 21:9, 2:3, 3:2, 4:5, 5:4,
 * 9:16, 9:21); output_format png, jpeg, and webp on core and ultra only.
 * Sources: Stability's API reference as generated into clients (GenerateApi), its ComfyUI node (stability_api.py):
 * docs/design/provider-apis.md §3.
 */
public class StabilityRequestBuilder implements Processor {

    static final List<String> RATIOS = List.of("16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21");

    /** One call per image; what Stability cannot express is refused here, naming the field. */
    public void plan(Exchange exchange) {
        GenerationRequest request = ProviderCall.request(exchange);
        String endpoint = endpoint(ProviderCall.upstreamModel(exchange));
        ProviderOptions.generatesOnly(request, "Stability " + endpoint,
                "sd3".equals(endpoint) ? Set.of("png", "jpeg") : Set.of("png", "jpeg", "webp"), false);
        exchange.setProperty(ProviderCall.CALLS, request.count());
    }

    static String endpoint(String model) {
        return switch (model) {
            case "stable-image-core", "core" -> "core";
            case "stable-image-ultra", "ultra" -> "ultra";
            default -> "sd3";
        };
    }

    @Override
    public void process(Exchange exchange) {
        LiveDeployment deployment = ProviderCall.deployment(exchange);
        GenerationRequest request = ProviderCall.request(exchange);
        String model = ProviderCall.upstreamModel(exchange);
        String endpoint = endpoint(model);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("prompt", request.prompt());
        if ("sd3".equals(endpoint)) {
            form.put("model", model);
        }
        String ratio = AspectRatios.nearest(request.size(), RATIOS);
        if (ratio != null) {
            form.put("aspect_ratio", ratio);
        }
        String format = request.options().get("output_format");
        form.put("output_format", format == null || "auto".equals(format) ? "png" : format);
        dev.imagegateway.provider.MultipartBody body = new dev.imagegateway.provider.MultipartBody();
        form.forEach(body::text);
        Message message = ProviderCall.aim(exchange, "POST",
                deployment.baseUrl() + "/v2beta/stable-image/generate/" + endpoint, "application/json");
        message.setBody(body.bytes());
        message.setHeader(Exchange.CONTENT_TYPE, body.contentType());
        message.setHeader("Authorization", "Bearer " + deployment.apiKey());
    }
}
