package dev.imagegateway.openai;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.EditInput;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.provider.ReplyBudget;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * OpenAI's {@code POST /v1/images/edits} (https://platform.openai.com/docs/api-reference/images/createEdit): a
 * multipart form with {@code image} (or {@code image[]}, up to 16 files), an optional {@code mask}, {@code prompt} and
 * the generation fields ({@code n}, {@code size}, {@code quality}, {@code background}, {@code output_format},
 * {@code input_fidelity}, {@code stream}...). The body is read off the connection here (the route takes it as a stream),
 * never more than EDITS_MAX_REQUEST_BYTES (413 past it), its memory reserved from the reply budget first, so uploads are
 * bounded like replies; the images stay in memory for the call and are never written to IMAGES_DIR.
 */
public class OpenAiEditRequestReader implements Processor {

    public static final String PATH = "/v1/images/edits";
    /** Where the server hands over the form's own Content-Type (see GatewayStartupListener). */
    public static final String FORM_CONTENT_TYPE = "X-Gateway-Form-Content-Type";

    private final OpenAiDoorRequestReader fields;
    private final ReplyBudget budget;
    private final long maxRequestBytes;

    public OpenAiEditRequestReader(OpenAiDoorRequestReader fields, ReplyBudget budget, long maxRequestBytes) {
        this.fields = fields;
        this.budget = budget;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void process(Exchange exchange) throws IOException, InterruptedException {
        String type = exchange.getMessage().getHeader(FORM_CONTENT_TYPE, String.class);
        String boundary = MultipartForm.boundary(type != null ? type : exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class));
        if (boundary == null) {
            throw new GatewayException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "An edit is a multipart/form-data request (image, mask, prompt...)");
        }
        byte[] body = readBody(exchange);
        List<byte[]> images = new ArrayList<>();
        byte[] mask = null;
        String fidelity = null;
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        for (MultipartForm.Part part : MultipartForm.parse(body, boundary)) {
            switch (part.name()) {
                case "image", "image[]" -> images.add(part.content());
                case "mask" -> {
                    if (mask != null) {
                        throw GatewayException.invalid("mask", "An edit takes one mask");
                    }
                    mask = part.content();
                }
                case "input_fidelity" -> fidelity = part.text().trim();
                default -> {
                    if (part.filename() != null) {
                        throw GatewayException.invalid(part.name(), "Field '" + part.name() + "' takes no file");
                    }
                    json.set(part.name(), value(part.name(), part.text()));
                }
            }
        }
        if (images.isEmpty()) {
            throw GatewayException.invalid("image", "An edit needs at least one image ('image' or 'image[]')");
        }
        fields.read(exchange, json);
        if (exchange.getProperty(dev.imagegateway.pipeline.ImageEvents.PROPERTY) instanceof OpenAiSseStream sse) {
            sse.forEdit();
        }
        GenerationRequest request = exchange.getMessage().getBody(GenerationRequest.class);
        exchange.getMessage().setBody(request.withEdit(new EditInput(images, mask, fidelity)));
    }

    /** A form field as JSON: whole numbers and booleans as such, for the fields that are numbers or booleans. */
    private static com.fasterxml.jackson.databind.JsonNode value(String name, String text) {
        String trimmed = text.trim();
        if (name.equals("stream") && (trimmed.equals("true") || trimmed.equals("false"))) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(trimmed));
        }
        if ((name.equals("n") || name.equals("output_compression") || name.equals("partial_images")) && trimmed.matches("-?[0-9]{1,9}")) {
            return JsonNodeFactory.instance.numberNode(Integer.parseInt(trimmed));
        }
        return JsonNodeFactory.instance.textNode(text);
    }

    /**
     * The body, at most maxRequestBytes, reserved from the reply budget as it is read and kept there twice (the bytes,
     * and their copy in the upstream's request), waiting for room as a reply does.
     */
    private byte[] readBody(Exchange exchange) throws IOException, InterruptedException {
        long announced = exchange.getMessage().getHeader("Content-Length", -1L, Long.class);
        if (announced > maxRequestBytes) {
            throw tooLarge(announced + " bytes");
        }
        InputStream in = exchange.getMessage().getBody(InputStream.class);
        if (in == null) {
            throw GatewayException.invalid("image", "An edit needs a body");
        }
        try (in) {
            return budget.readBounded(exchange, in, announced > 0 ? announced : 1024 * 1024, maxRequestBytes, 2, this::tooLarge);
        }
    }

    private GatewayException tooLarge(String what) {
        return new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE, "The edit request is too large (" + what + "); the gateway takes "
                + maxRequestBytes + " bytes at most (images and mask together)", null, null, 0, "image", "request_too_large");
    }
}
