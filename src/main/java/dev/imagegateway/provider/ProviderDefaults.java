package dev.imagegateway.provider;

/**
 * What a provider brings to a deployment that does not say otherwise: its API root and its credential, as configured
 * (OPENAI_BASE_URL and OPENAI_API_KEY for openai, GEMINI_API_KEY for google...). Each provider's route file,
 * {@code routes/provider-<name>.yaml}, declares one as a bean beside its route: adding a provider is adding that file and
 * its package, nothing central.
 */
public class ProviderDefaults {

    private String name;
    private String baseUrlSetting;
    private String apiKeySetting;
    private boolean keyRequired = true;
    private boolean endpointRequired = true;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /**
     * The setting that holds its API root ({@code openai.base-url}: OPENAI_BASE_URL...), or null when every deployment
     * must give its own {@code base_url} (openai-compatible). Names, not values, for the same reason as the key: this
     * bean is made when its route file is read, before {@code .env} is a source of settings.
     */
    public String getBaseUrlSetting() {
        return baseUrlSetting;
    }

    public void setBaseUrlSetting(String baseUrlSetting) {
        this.baseUrlSetting = baseUrlSetting == null || baseUrlSetting.isBlank() ? null : baseUrlSetting.trim();
    }

    /**
     * The setting that holds its credential ({@code openai.api-key}: OPENAI_API_KEY, {@code .env}, application.properties),
     * or null for none. The name, not the value: a value written as a placeholder here would be resolved, and logged at
     * DEBUG, by Camel (and before {@code .env} is read); the setting is read when a call needs it.
     */
    public String getApiKeySetting() {
        return apiKeySetting;
    }

    public void setApiKeySetting(String apiKeySetting) {
        this.apiKeySetting = apiKeySetting == null || apiKeySetting.isBlank() ? null : apiKeySetting.trim();
    }

    /** False for a provider that may be called without a key (openai-compatible servers, the offline renderer). */
    public boolean isKeyRequired() {
        return keyRequired;
    }

    public void setKeyRequired(boolean keyRequired) {
        this.keyRequired = keyRequired;
    }

    /** False for the offline renderer, which has no endpoint. */
    public boolean isEndpointRequired() {
        return endpointRequired;
    }

    public void setEndpointRequired(boolean endpointRequired) {
        this.endpointRequired = endpointRequired;
    }

    @Override
    public String toString() {
        return "ProviderDefaults[" + name + "]";
    }
}
