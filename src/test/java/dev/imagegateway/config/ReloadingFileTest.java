package dev.imagegateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReloadingFileTest {

    @TempDir
    Path dir;

    @Test
    void aFileThatCouldNotBeReadIsTriedAgainWithoutChanging() throws Exception {
        Path file = Files.writeString(dir.resolve("v.txt"), "one");
        AtomicInteger reads = new AtomicInteger();
        ReloadingFile<String> value = new ReloadingFile<>("TEST_FILE", file, f -> {
            if (reads.incrementAndGet() == 1) {
                throw new IOException("not readable yet"); // say, a permission fixed after the file was written
            }
            return Files.readString(f);
        }, "fallback");
        assertEquals("fallback", value.get());
        Thread.sleep(1100);
        assertEquals("one", value.get(), "tried again at the next check although the file did not change");
    }

    @Test
    void aBrokenContentIsTriedAgainOnlyWhenTheFileChanges() throws Exception {
        Path file = Files.writeString(dir.resolve("v.txt"), "good");
        AtomicInteger reads = new AtomicInteger();
        ReloadingFile<String> value = new ReloadingFile<>("TEST_FILE", file, f -> {
            reads.incrementAndGet();
            String text = Files.readString(f);
            if (text.startsWith("bad")) {
                throw new IllegalArgumentException("line 1: bad");
            }
            return text;
        }, null);
        Files.writeString(file, "bad one");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Thread.sleep(1100);
        assertEquals("good", value.get());
        int afterBroken = reads.get();
        Thread.sleep(1100);
        assertEquals("good", value.get());
        assertEquals(afterBroken, reads.get(), "an unchanged broken file is not read again");
        Files.writeString(file, "better");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(1100);
        assertEquals("better", value.get());
    }

    @Test
    void withoutAFallbackAFileThatCannotBeReadStopsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReloadingFile<>("TEST_FILE", dir.resolve("missing.txt"), Files::readString, null));
        assertEquals(true, e.getMessage().contains("missing.txt cannot be read"), e.getMessage());
    }
}
