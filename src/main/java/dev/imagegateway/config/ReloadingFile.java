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
    private String lastReason;

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
            current = loader.load(file);
            remember();
        } catch (IOException | RuntimeException e) {
            if (fallback == null) {
                throw e instanceof RuntimeException r ? r : new IllegalArgumentException(name + " " + file + " cannot be read: " + reason(e), e);
            }
            lastReason = reason(e);
            LOG.warn("{} {} not loaded ({})", name, file, lastReason);
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
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (IOException e) {
            report(e);
            return;
        }
        if (modified.equals(seenModified) && size == seenSize) {
            return;
        }
        try {
            current = loader.load(file);
            LOG.info("{} {} reloaded", name, file);
            lastReason = null;
        } catch (IOException e) {
            // unreadable for now (permissions, a half-done copy): tried again at the next check
            report(e);
            return;
        } catch (RuntimeException e) {
            // its content is wrong: reported once, tried again when it changes
            report(e);
        }
        seenModified = modified;
        seenSize = size;
    }

    /** Logs why the file is not in force, once per reason. */
    private void report(Exception e) {
        String reason = reason(e);
        if (!reason.equals(lastReason)) {
            lastReason = reason;
            LOG.warn("{} {} not reloaded ({}); keeping what was loaded before", name, file, reason);
        }
    }

    /** Notes the file's time and size as loaded. */
    private void remember() throws IOException {
        seenModified = Files.getLastModifiedTime(file);
        seenSize = Files.size(file);
    }

    private static String reason(Exception e) {
        return e instanceof IOException || e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
