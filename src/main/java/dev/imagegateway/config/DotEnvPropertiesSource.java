package dev.imagegateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import org.apache.camel.Ordered;
import org.apache.camel.spi.LoadablePropertiesSource;
import org.apache.camel.util.IOHelper;

/**
 * The seed's {@code .env} file as a Camel properties source. A property key is looked up under the same
 * names Camel uses for environment variables ({@code openai.api-key} finds {@code OPENAI_API_KEY}), so one
 * key in application.properties is overridden by the real environment first, then by {@code .env}.
 * Its order puts it before application.properties (ordered from 100) and after the environment.
 */
public class DotEnvPropertiesSource implements LoadablePropertiesSource, Ordered {

    private final Map<String, String> entries = new TreeMap<>();

    public DotEnvPropertiesSource(Path file) {
        if (file != null && Files.isRegularFile(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Dotenv dotenv = Dotenv.configure().directory(dir.toString()).filename(file.getFileName().toString()).load();
            for (DotenvEntry e : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                entries.put(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public String getName() {
        return ".env";
    }

    @Override
    public String getProperty(String name) {
        String value = entries.get(name);
        if (value == null) {
            value = entries.get(IOHelper.normalizeEnvironmentVariable(name));
        }
        return value;
    }

    @Override
    public Properties loadProperties() {
        // only the lookups above matter; bulk loading would hand Camel keys in the wrong naming scheme
        return new Properties();
    }

    @Override
    public Properties loadProperties(Predicate<String> filter) {
        return new Properties();
    }

    @Override
    public void reloadProperties(String location) {
        // .env is read once at start, as the seed did
    }

    @Override
    public int getOrder() {
        return 50;
    }
}
