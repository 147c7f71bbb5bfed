package dev.imagegateway.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog in force: the jar's {@code models.yaml}, or the file MODELS_FILE names instead. The file is looked at
 * again at most once a second, on use, and reloaded when it changed, without a restart. A broken file stops the start;
 * on reload it leaves the catalog as it was, and the log says which line is wrong and why.
 */
public class ModelCatalogSource {

    public static final String DEFAULT_RESOURCE = "models.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalogSource.class);
    private static final long CHECK_EVERY_MS = 1000;

    private final Path file;
    private final Set<String> providers;
    private volatile ModelCatalog current;
    private volatile long nextCheck;
    private FileTime loadedModified;
    private long loadedSize = -1;

    /**
     * @param file      the catalog file, or null for the jar's default
     * @param providers the providers this gateway has (a catalog naming another is refused)
     * @throws ModelCatalogException when the catalog cannot be used
     */
    public ModelCatalogSource(Path file, Set<String> providers) {
        this.file = file;
        this.providers = Set.copyOf(providers);
        this.current = file == null ? loadDefault() : loadFile();
        LOG.info("Model catalog: {} models from {}", current.size(), current.source());
    }

    /** A fixed catalog (tests, tools). */
    public ModelCatalogSource(ModelCatalog catalog) {
        this.file = null;
        this.providers = Set.of();
        this.current = catalog;
    }

    public ModelCatalog catalog() {
        if (file != null && System.currentTimeMillis() >= nextCheck) {
            reloadIfChanged();
        }
        return current;
    }

    private ModelCatalog loadDefault() {
        try (InputStream in = ModelCatalogSource.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ModelCatalogException("The jar holds no " + DEFAULT_RESOURCE);
            }
            return ModelCatalogParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE + " (in the jar)", providers);
        } catch (IOException e) {
            throw new ModelCatalogException("Cannot read the jar's " + DEFAULT_RESOURCE + ": " + e.getMessage());
        }
    }

    private ModelCatalog loadFile() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            ModelCatalog loaded = ModelCatalogParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), providers);
            loadedModified = modified;
            loadedSize = size;
            nextCheck = System.currentTimeMillis() + CHECK_EVERY_MS;
            return loaded;
        } catch (IOException e) {
            nextCheck = System.currentTimeMillis() + CHECK_EVERY_MS;
            throw new ModelCatalogException("MODELS_FILE " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? " " + e.getMessage() : ""));
        }
    }

    private synchronized void reloadIfChanged() {
        if (System.currentTimeMillis() < nextCheck) {
            return;
        }
        nextCheck = System.currentTimeMillis() + CHECK_EVERY_MS;
        try {
            // the version last tried, loaded or not: a broken file is reported once, not every second
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(loadedModified) && size == loadedSize) {
                return;
            }
            loadedModified = modified;
            loadedSize = size;
        } catch (IOException e) {
            LOG.warn("MODELS_FILE {} cannot be read ({}); keeping the catalog loaded before", file, e.getClass().getSimpleName());
            return;
        }
        try {
            current = loadFile();
            LOG.info("Model catalog reloaded: {} models from {}", current.size(), file);
        } catch (ModelCatalogException e) {
            LOG.warn("Model catalog not reloaded, keeping the one loaded before: {}", e.getMessage());
        }
    }
}
