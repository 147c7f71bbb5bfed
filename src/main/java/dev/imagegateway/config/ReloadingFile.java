package dev.imagegateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file read into a value and read again when it changes, without a restart (the keys file, the model catalog). It is
 * looked at at most once a second, on use. A version that cannot be loaded leaves the value in force and is reported
 * once, by the loader's message (which must not quote secrets), until the file changes again.
 *
 * @param <T> what the file holds
 */
public final class ReloadingFile<T> {

    /** Reads the file; any exception means "not loaded", with its message as the reason. */
    @FunctionalInterface
    public interface Loader<T> {
        T load(Path file) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingFile.class);
    private static final long CHECK_EVERY_MS = 1000;

    private final String name;
    private final Path file;
    private final Loader<T> loader;
    private volatile T current;
    private volatile long nextCheck;
    private FileTime seenModified;
    private long seenSize = -1;

    /**
     * Loads the file now.
     *
     * @param name     what the file is, for the log (the setting that names it)
     * @param fallback the value while the file cannot be loaded at start; null to fail the start instead
     * @throws RuntimeException the loader's failure, when there is no fallback
     */
    public ReloadingFile(String name, Path file, Loader<T> loader, T fallback) {
        this.name = name;
        this.file = file;
        this.loader = loader;
        try {
            remember();
            current = loader.load(file);
        } catch (IOException | RuntimeException e) {
            if (fallback == null) {
                throw e instanceof RuntimeException r ? r : new IllegalArgumentException(name + " " + file + " cannot be read: " + reason(e), e);
            }
            LOG.warn("{} {} not loaded ({})", name, file, reason(e));
            current = fallback;
        }
        nextCheck = System.currentTimeMillis() + CHECK_EVERY_MS;
    }

    /** The value in force, read again first if the file changed since it was last looked at. */
    public T get() {
        if (System.currentTimeMillis() >= nextCheck) {
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
            if (!remember()) {
                return;
            }
            current = loader.load(file);
            LOG.info("{} {} reloaded", name, file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} {} not reloaded ({}); keeping what was loaded before", name, file, reason(e));
        }
    }

    /** Notes the file's time and size; true when they differ from those last seen. */
    private boolean remember() throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        boolean changed = !modified.equals(seenModified) || size != seenSize;
        seenModified = modified;
        seenSize = size;
        return changed;
    }

    private static String reason(Exception e) {
        return e instanceof IOException ? e.getClass().getSimpleName() : e.getMessage();
    }
}
