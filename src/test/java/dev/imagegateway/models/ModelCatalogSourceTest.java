package dev.imagegateway.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogSourceTest {

    @TempDir
    Path dir;

    private static void write(Path file, String yaml, int secondsLater) throws Exception {
        Files.writeString(file, yaml);
        // a distinct modification time even on coarse file systems
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    }

    /** The source looks at its file at most once a second. */
    private static ModelCatalog afterNextCheck(ModelCatalogSource source) throws InterruptedException {
        Thread.sleep(1100);
        return source.catalog();
    }

    @Test
    void withoutAFileTheJarsCatalogIsUsed() {
        ModelCatalogSource source = new ModelCatalogSource(null, TestCatalogs.PROVIDERS);
        assertNotNull(source.catalog().find("gpt-image-2.6-flare"));
        assertTrue(source.catalog().source().contains("models.yaml"));
    }

    @Test
    void aChangedFileIsReloadedAndABrokenOneKeepsTheCatalogInForce() throws Exception {
        Path file = dir.resolve("models.yaml");
        write(file, "models:\n  house-a: {provider: openai}\n", 0);
        ModelCatalogSource source = new ModelCatalogSource(file, TestCatalogs.PROVIDERS);
        assertNotNull(source.catalog().find("house-a"));

        write(file, "models:\n  house-b: {provider: openai, max_n: 2}\n", 2);
        ModelCatalog reloaded = afterNextCheck(source);
        assertNull(reloaded.find("house-a"));
        assertEquals(2, reloaded.find("house-b").maxImages());

        write(file, "models:\n  house-c: {provider: openai, max_n: two}\n", 4);
        ModelCatalog kept = afterNextCheck(source);
        assertNotNull(kept.find("house-b"), "a broken file leaves the catalog as it was");
        assertNull(kept.find("house-c"));

        write(file, "models:\n  house-c: {provider: openai, max_n: 3}\n", 6);
        assertEquals(3, afterNextCheck(source).find("house-c").maxImages());
    }

    @Test
    void aBrokenOrMissingFileStopsTheStartWithTheReason() throws Exception {
        Path file = dir.resolve("broken.yaml");
        write(file, "models:\n  m:\n    provider: openai\n    sizes: [1024]\n", 0);
        String message = assertThrows(ModelCatalogException.class, () -> new ModelCatalogSource(file, TestCatalogs.PROVIDERS)).getMessage();
        assertTrue(message.contains("broken.yaml line 4") && message.contains("'1024' is not WIDTHxHEIGHT"), message);
        String missing = assertThrows(RuntimeException.class,
                () -> new ModelCatalogSource(dir.resolve("none.yaml"), TestCatalogs.PROVIDERS)).getMessage();
        assertTrue(missing.contains("none.yaml cannot be read"), missing);
    }
}
