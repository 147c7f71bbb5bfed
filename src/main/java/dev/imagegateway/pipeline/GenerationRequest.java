package dev.imagegateway.pipeline;

/**
 * What every door hands to the shared generation route, whatever the protocol it came in on.
 *
 * @param prompt the text to render
 * @param size   WIDTHxHEIGHT as the model names it; blank means the default size
 * @param door   where the request came from (grpc, rest, inbox), for logs
 */
public record GenerationRequest(String prompt, String size, String door) {

    public GenerationRequest withSize(String newSize) {
        return new GenerationRequest(prompt, newSize, door);
    }
}
