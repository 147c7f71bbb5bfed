package dev.imagegateway.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import dev.imagegateway.config.ReloadingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog in force: the jar's {@code models.yaml}, or the file MODELS_FILE names instead, read again when it
 * changes, without a restart ({@link ReloadingFile}). A broken file stops the start; on reload it leaves the catalog as
 * it was, and the log says which line is wrong and why.
 */
public class ModelCatalogSource {

    public static final String DEFAULT_RESOURCE = "models.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalogSource.class);

    private final ModelCatalog fixed;
    private final ReloadingFile<ModelCatalog> file;
    private final String configuredDefault;

    public ModelCatalogSource(Path file, Set<String> providers) {
        this(file, providers, null);
    }

    /**
     * @param file              the catalog file, or null for the jar's default
     * @param providers         the providers this gateway has (a catalog naming another is refused)
     * @param configuredDefault IMAGE_MODEL, or null or empty for the catalog's own default
     * @throws ModelCatalogException when the catalog cannot be used
     */
    public ModelCatalogSource(Path file, Set<String> providers, String configuredDefault) {
        this.configuredDefault = configuredDefault == null || configuredDefault.isBlank() ? null : configuredDefault.trim();
        Set<String> known = Set.copyOf(providers);
        if (file == null) {
            this.fixed = loadDefault(known);
            this.file = null;
        } else {
            this.fixed = null;
            this.file = new ReloadingFile<>("MODELS_FILE", file, f -> load(f, known), null);
        }
        ModelCatalog catalog = catalog();
        LOG.debug("Model catalog: {} models from {}", catalog.size(), catalog.source());
    }

    /** A fixed catalog (tests, tools). */
    public ModelCatalogSource(ModelCatalog catalog) {
        this.fixed = catalog;
        this.file = null;
        this.configuredDefault = null;
    }

    /** The model of a request that names none: IMAGE_MODEL when set, else the catalog's {@code default}. */
    public String defaultModel() {
        return defaultModel(catalog());
    }

    /** The default model with {@code catalog} in force (one snapshot for a whole request). */
    public String defaultModel(ModelCatalog catalog) {
        return configuredDefault != null ? configuredDefault : catalog.defaultModel();
    }

    /** True when IMAGE_MODEL chose the default model rather than the catalog. */
    public boolean defaultIsConfigured() {
        return configuredDefault != null;
    }

    public ModelCatalog catalog() {
        return file != null ? file.get() : fixed;
    }

    private static ModelCatalog load(Path file, Set<String> providers) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelCatalogException("MODELS_FILE " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? " " + e.getMessage() : ""));
        }
        return ModelCatalogParser.parse(text, file.toString(), providers);
    }

    private static ModelCatalog loadDefault(Set<String> providers) {
        try (InputStream in = ModelCatalogSource.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ModelCatalogException("The jar holds no " + DEFAULT_RESOURCE);
            }
            return ModelCatalogParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE + " (in the jar)", providers);
        } catch (IOException e) {
            throw new ModelCatalogException("Cannot read the jar's " + DEFAULT_RESOURCE + ": " + e.getMessage());
        }
    }
}
