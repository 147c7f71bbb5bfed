package dev.imagegateway.inbox;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboxFileParserTest {

    @Test
    void textLinesSkipBlanksAndCommentsAndKeepTheirNumbers() {
        List<BatchLine> lines = InboxFileParser.parse("p.txt", "\uFEFFfirst\r\n# comment\n\n  second  \n#x\nthird");
        assertEquals(List.of(1, 4, 6), lines.stream().map(BatchLine::number).toList());
        assertEquals(List.of("first", "second", "third"), lines.stream().map(BatchLine::prompt).toList());
        assertNull(lines.get(0).size());
    }

    @Test
    void jsonLinesCarryPromptAndSize() {
        List<BatchLine> lines = InboxFileParser.parse("p.JSONL",
                "{\"prompt\":\"a\",\"size\":\"1792x1024\"}\n# c\n{\"prompt\":\"b\"}\n[1]\n{\"prompt\":3}\n{oops\n{\"size\":\"1024x1024\"}");
        assertEquals(6, lines.size());
        assertEquals("1792x1024", lines.get(0).size());
        assertEquals("b", lines.get(1).prompt());
        assertEquals("Line must be a JSON object", lines.get(2).parseError());
        assertEquals("Field 'prompt' must be a string", lines.get(3).parseError());
        assertEquals("Line is not valid JSON", lines.get(4).parseError());
        assertNull(lines.get(5).prompt(), "a missing prompt is the pipeline's to refuse");
        assertEquals("{oops", lines.get(4).raw());
    }

    @Test
    void jsonLinesCarryTheModelAndTheOptionsOfTheRestDoor() {
        List<BatchLine> lines = InboxFileParser.parse("p.jsonl", """
                {"prompt": "a", "model": "dall-e-3", "quality": "hd", "style": "vivid"}
                {"prompt": "b", "output_format": "webp", "output_compression": 60, "background": "opaque", "moderation": "low"}
                {"prompt": "c", "quality": 5}
                {"prompt": "d", "output_compression": "high"}
                """);
        assertEquals("dall-e-3", lines.get(0).model());
        assertEquals("hd", lines.get(0).options().quality());
        assertEquals("vivid", lines.get(0).options().style());
        assertEquals(new dev.imagegateway.pipeline.ImageOptions(null, null, "opaque", "low", "webp", 60, null), lines.get(1).options());
        assertEquals("Field 'quality' must be a string", lines.get(2).parseError());
        assertEquals("Field 'output_compression' must be a whole number", lines.get(3).parseError());
    }

    @Test
    void otherFilesAreRefused() {
        assertFalse(InboxFileParser.isSupported("a.csv"));
        assertTrue(InboxFileParser.isSupported("A.TXT"));
        assertThrows(IllegalArgumentException.class, () -> InboxFileParser.parse("a.csv", "x"));
    }

    @Test
    void batchKeysDifferByNameAndContent() {
        String a = InboxBatchStarter.batchKey("a.txt", "x".getBytes());
        assertEquals(a, InboxBatchStarter.batchKey("a.txt", "x".getBytes()));
        assertFalse(a.equals(InboxBatchStarter.batchKey("b.txt", "x".getBytes())));
        assertFalse(a.equals(InboxBatchStarter.batchKey("a.txt", "y".getBytes())));
    }
}
