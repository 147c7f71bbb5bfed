package dev.imagegateway.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.imagegateway.config.ReloadingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys in force: those of API_SECRET_KEY and those of API_KEYS_FILE. The file is read again when it changes,
 * without a restart ({@link ReloadingFile}); a file that cannot be read leaves the keys as they were (and says which
 * line is wrong, never what is on it).
 */
public class KeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    private final ApiKeys fixed;
    private final ReloadingFile<ApiKeys> file;

    public KeyRing(ApiKeys fixed, Path file) {
        this.fixed = fixed;
        this.file = file == null ? null : new ReloadingFile<>("API_KEYS_FILE", file, f -> {
            ApiKeys loaded = ApiKeys.parseFile(Files.readAllLines(f, StandardCharsets.UTF_8));
            LOG.info("Loaded {} keys from {}", loaded.size(), f);
            return fixed.plus(loaded);
        }, fixed);
    }

    public ApiKeys keys() {
        return file != null ? file.get() : fixed;
    }
}
