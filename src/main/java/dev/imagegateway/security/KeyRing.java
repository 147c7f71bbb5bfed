package dev.imagegateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys in force: those of API_SECRET_KEY and those of API_KEYS_FILE. The file is looked at again at most once a
 * second, on use, and reloaded when it changed, without a restart; a file that cannot be read leaves the keys as
 * they were (and says which line is wrong, never what is on it).
 */
public class KeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    private static final long CHECK_EVERY_MS = 1000;

    private final ApiKeys fixed;
    private final Path file;
    private volatile ApiKeys current;
    private volatile long nextCheck;
    private FileTime loadedModified;
    private long loadedSize = -1;

    public KeyRing(ApiKeys fixed, Path file) {
        this.fixed = fixed;
        this.file = file;
        this.current = fixed;
        if (file != null) {
            reload();
        }
    }

    public ApiKeys keys() {
        if (file != null && System.currentTimeMillis() >= nextCheck) {
            reloadIfChanged();
        }
        return current;
    }

    private synchronized void reloadIfChanged() {
        if (System.currentTimeMillis() < nextCheck) {
            return;
        }
        nextCheck = System.currentTimeMillis() + CHECK_EVERY_MS;
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedModified) || Files.size(file) != loadedSize) {
                reload();
            }
        } catch (IOException e) {
            LOG.warn("API_KEYS_FILE {} cannot be read ({}); keeping the keys loaded before", file, e.getClass().getSimpleName());
        }
    }

    private synchronized void reload() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            ApiKeys loaded = ApiKeys.parseFile(Files.readAllLines(file, StandardCharsets.UTF_8));
            current = fixed.plus(loaded);
            loadedModified = modified;
            loadedSize = size;
            LOG.info("Loaded {} keys from {}", loaded.size(), file);
        } catch (IOException | IllegalArgumentException e) {
            String reason = e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getSimpleName();
            LOG.warn("API_KEYS_FILE {} not loaded ({}); keeping the keys loaded before", file, reason);
        }
        nextCheck = System.currentTimeMillis() + CHECK_EVERY_MS;
    }
}
