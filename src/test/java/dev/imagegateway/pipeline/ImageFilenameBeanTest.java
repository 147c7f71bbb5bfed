package dev.imagegateway.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFilenameBeanTest {

    private static final Clock FIXED = Clock.fixed(Instant.ofEpochSecond(1704115200), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static byte[] bytes(int... values) {
        byte[] b = new byte[32];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] ascii(String prefix, int length) {
        byte[] b = new byte[length];
        System.arraycopy(prefix.getBytes(), 0, b, 0, prefix.length());
        return b;
    }

    @Test
    void detectsEachFormatByItsMagicBytes() {
        assertEquals(ImageFormat.PNG, ImageFormat.detect(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)));
        assertEquals(ImageFormat.JPEG, ImageFormat.detect(bytes(0xFF, 0xD8, 0xFF, 0xE0)));
        assertEquals(ImageFormat.GIF, ImageFormat.detect(ascii("GIF87a", 20)));
        assertEquals(ImageFormat.GIF, ImageFormat.detect(ascii("GIF89a", 20)));
        byte[] webp = ascii("RIFF\0\0\0\0WEBPVP8 ", 30);
        assertEquals(ImageFormat.WEBP, ImageFormat.detect(webp));
        assertEquals(ImageFormat.BMP, ImageFormat.detect(ascii("BM", 54)));
    }

    @Test
    void unknownOrTruncatedBytesAreNoFormat() {
        assertNull(ImageFormat.detect(null));
        assertNull(ImageFormat.detect(new byte[0]));
        assertNull(ImageFormat.detect("hello world, not an image".getBytes()));
        assertNull(ImageFormat.detect(new byte[] {(byte) 0x89, 'P', 'N'}), "a truncated PNG signature");
        assertNull(ImageFormat.detect(ascii("RIFF\0\0\0\0WAVE", 30)), "a RIFF that is not WebP");
        assertNull(ImageFormat.detect("BM".getBytes()), "two letters are no bitmap");
    }

    @ParameterizedTest
    @CsvSource({"PNG, png", "JPEG, jpg", "GIF, gif", "WEBP, webp", "BMP, bmp"})
    void namesCarryTheSecondsAndTheFormatsExtension(ImageFormat format, String extension) {
        String name = new ImageFilenameBean(dir, FIXED, 42).nextName(format);
        assertTrue(name.matches("1704115200_[0-9a-f]{12}\\." + extension), name);
    }

    @Test
    void assignNamesTheImageAfterItsBytes() {
        byte[] jpeg = bytes(0xFF, 0xD8, 0xFF, 0xDB);
        GeneratedImage named = new ImageFilenameBean(dir).name(GeneratedImage.of(jpeg, "base64"), null);
        assertEquals(ImageFormat.JPEG, named.format());
        assertTrue(named.filename().endsWith(".jpg"));
        assertEquals("base64", named.base64());
    }

    @Test
    void bytesOfNoKnownFormatAreAnUpstreamFailure() {
        GatewayException e = assertThrows(GatewayException.class,
                () -> new ImageFilenameBean(dir).name(GeneratedImage.of("text".getBytes(), "dGV4dA=="), null));
        assertEquals(ErrorKind.UPSTREAM_BAD_RESPONSE, e.kind());
    }

    @Test
    void namesInTheSameSecondNeverCollide() throws Exception {
        ImageFilenameBean bean = new ImageFilenameBean(dir, FIXED, 7);
        Set<String> names = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> jobs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < 25_000; i++) {
                        names.add(bean.nextName(ImageFormat.PNG));
                    }
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200_000, names.size());
    }

    @Test
    void twoProcessesInTheSameSecondGetDifferentNames() {
        Set<String> first = new HashSet<>();
        ImageFilenameBean a = new ImageFilenameBean(dir, FIXED, 1);
        ImageFilenameBean b = new ImageFilenameBean(dir, FIXED, 2);
        for (int i = 0; i < 1000; i++) {
            first.add(a.nextName(ImageFormat.PNG));
        }
        for (int i = 0; i < 1000; i++) {
            assertFalse(first.contains(b.nextName(ImageFormat.PNG)));
        }
    }

    @Test
    void aReservedStemNamesTheImageWithItsFormat() throws Exception {
        ImageFilenameBean bean = new ImageFilenameBean(dir, FIXED, 5);
        String stem = bean.nextStem();
        assertTrue(stem.matches("1704115200_[0-9a-f]{12}"), stem);
        GeneratedImage named = bean.name(GeneratedImage.of(ascii("GIF89a", 10), "R0lG"), stem);
        assertEquals(stem + ".gif", named.filename());
        // a stem taken by a file of any format is not handed out again
        Files.writeString(dir.resolve(new ImageFilenameBean(dir, FIXED, 6).nextStem() + ".webp"), "x");
        String next = new ImageFilenameBean(dir, FIXED, 6).nextStem();
        assertFalse(Files.exists(dir.resolve(next + ".webp")));
    }

    @Test
    void aNameAlreadyOnDiskIsSkipped() throws Exception {
        // the same key and clock give the same sequence: take its first name, then start again
        String taken = new ImageFilenameBean(dir, FIXED, 99).nextName(ImageFormat.PNG);
        Files.writeString(dir.resolve(taken), "existing");
        String next = new ImageFilenameBean(dir, FIXED, 99).nextName(ImageFormat.PNG);
        assertFalse(next.equals(taken));
        assertEquals("existing", Files.readString(dir.resolve(taken)));
    }

    @Test
    void assignNamesEveryImageOfAGenerationAndTheStemGoesToTheFirst() {
        byte[] png = bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
        byte[] gif = ascii("GIF89a", 10);
        GeneratedImages named = new ImageFilenameBean(dir).assign(
                GeneratedImages.of(GeneratedImage.of(png, "iVBO"), GeneratedImage.of(gif, "R0lG")), "1700000000_00000000abcd");
        assertEquals("1700000000_00000000abcd.png", named.first().filename());
        assertTrue(named.list().get(1).filename().matches("\\d{10}_[0-9a-f]{12}\\.gif"), named.list().get(1).filename());
        assertEquals("1700000000_00000000abcd.png," + named.list().get(1).filename(), named.filenames());
    }

    @ParameterizedTest
    @CsvSource({"a.png, PNG", "a.jpg, JPEG", "a.JPEG, JPEG", "a.gif, GIF", "a.webp, WEBP", "a.bmp, BMP", "1_2.tar.png, PNG"})
    void aFileNameNamesItsFormat(String name, ImageFormat format) {
        assertEquals(format, ImageFormat.ofFileName(name));
    }

    @Test
    void otherExtensionsNameNoFormat() {
        assertNull(ImageFormat.ofFileName("notes.txt"));
        assertNull(ImageFormat.ofFileName("png"));
    }
}
