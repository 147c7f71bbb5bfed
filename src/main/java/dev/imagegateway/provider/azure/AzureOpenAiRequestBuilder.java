package dev.imagegateway.provider.azure;

import dev.imagegateway.provider.LiveDeployment;
import dev.imagegateway.provider.ProviderCall;
import dev.imagegateway.provider.openai.OpenAiRequestBuilder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Azure OpenAI's images API: OpenAI's body, at the resource's endpoint, with the {@code api-key} header.
 * <ul>
 * <li>deployment path: {@code {endpoint}/openai/deployments/{deployment}/images/generations?api-version={v}}, the
 *   deployment name being the catalog deployment's {@code upstream_model}; {@code api-version} from the deployment's
 *   {@code api_version}, else {@code AZURE_OPENAI_API_VERSION} (2025-04-01-preview: the version Microsoft's image
 *   how-to uses for the gpt-image series);</li>
 * <li>v1 path ({@code api_version: v1}): {@code {endpoint}/openai/v1/images/generations}, the deployment name as the
 *   body's {@code model}.</li>
 * </ul>
 * Source: Microsoft Learn, "How to use image generation models" (learn.microsoft.com/azure/ai-foundry/openai/how-to/dall-e)
 * and its REST quickstart; "API version lifecycle" for v1 (docs/design/provider-apis.md §1).
 */
public class AzureOpenAiRequestBuilder implements Processor {

    private static final String DEFAULT_API_VERSION = "2025-04-01-preview";

    @Override
    public void process(Exchange exchange) {
        dev.imagegateway.provider.ProviderOptions.noEdits(ProviderCall.request(exchange), "Azure OpenAI");
        LiveDeployment deployment = ProviderCall.deployment(exchange);
        String version = deployment.apiVersion() != null ? deployment.apiVersion()
                : exchange.getContext().getPropertiesComponent().resolveProperty("azure-openai.api-version")
                        .map(String::trim).filter(v -> !v.isEmpty()).orElse(DEFAULT_API_VERSION);
        String name = ProviderCall.upstreamModel(exchange);
        String url = "v1".equals(version)
                ? deployment.baseUrl() + "/openai/v1/images/generations"
                : deployment.baseUrl() + "/openai/deployments/" + name + "/images/generations?api-version=" + version;
        Message message = ProviderCall.aim(exchange, "POST", url, "application/json");
        message.setBody(OpenAiRequestBuilder.body(ProviderCall.request(exchange), name, false));
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("api-key", deployment.apiKey());
    }
}
