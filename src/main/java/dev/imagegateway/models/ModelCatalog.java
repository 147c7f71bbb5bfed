package dev.imagegateway.models;

import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models the gateway serves, as one catalog file describes them (see {@link ModelCatalogParser}). Immutable: a
 * reload builds a new one. Nothing else in the code names a model.
 */
public final class ModelCatalog {

    private final Map<String, ModelEntry> entries;
    private final String defaultModel;
    private final String source;

    ModelCatalog(Map<String, ModelEntry> entries, String defaultModel, String source) {
        this.entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.defaultModel = defaultModel;
        this.source = source;
    }

    /** The model of a request that names none, unless IMAGE_MODEL says otherwise: the file's {@code default}. */
    public String defaultModel() {
        return defaultModel;
    }

    /** The entry of a public model name, or null. */
    public ModelEntry find(String name) {
        return name == null ? null : entries.get(name);
    }

    /** Every entry, in the file's order. */
    public Collection<ModelEntry> entries() {
        return entries.values();
    }

    public int size() {
        return entries.size();
    }

    /** Where the catalog came from (the jar's default or a file), for logs. */
    public String source() {
        return source;
    }

    /**
     * The entry that serves requests for {@code entry} on {@code today}: itself while it is active or deprecated
     * before its date, else its replacement, followed to the end (the parser refuses cycles); null when they are
     * refused.
     */
    public ModelEntry servedBy(ModelEntry entry, LocalDate today) {
        ModelEntry current = entry;
        for (int hops = 0; hops <= entries.size(); hops++) {
            if (!current.lifecycle().isShutDown(today)) {
                return current;
            }
            String replacement = current.lifecycle().replacement();
            if (replacement == null) {
                return null;
            }
            current = entries.get(replacement);
            if (current == null) {
                return null;
            }
        }
        return null;
    }
}
