package dev.imagegateway.models;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeRulesTest {

    /** GPT image 2's documented rule. */
    private static final SizeRules GPT_IMAGE_2 = SizeRules.rule(true, 16, 0, 3840, 3, 655_360, 8_294_400, List.of());
    private static final SizeRules GPT_IMAGE_1 = SizeRules.list(List.of("1024x1024", "1536x1024", "1024x1536", "auto"));

    @ParameterizedTest
    @CsvSource({
        "256x256, 816x816", "512x512, 816x816", "1792x1024, 1792x1024", "1024x1792, 1024x1792",
        // wider than 3:1 keeps landscape at 3:1; beyond the largest picture scales down
        "6000x1000, 3840x1280", "5000x5000, 2880x2880", "auto, auto", "4096x2304, 3840x2160"})
    void nearestUnderARuleKeepsTheShape(String from, String expected) {
        String nearest = GPT_IMAGE_2.nearest(from, "1024x1024");
        assertEquals(expected, nearest);
        assertTrue(GPT_IMAGE_2.accepts(nearest), nearest);
    }

    @ParameterizedTest
    @CsvSource({"1792x1024, 1536x1024", "1024x1792, 1024x1536", "256x256, 1024x1024", "2048x2048, 1024x1024", "auto, auto"})
    void nearestInAListKeepsTheOrientation(String from, String expected) {
        assertEquals(expected, GPT_IMAGE_1.nearest(from, "1024x1024"));
    }

    @Test
    void nearestHonoursEdgeBoundsAndNeverLeavesTheRule() {
        SizeRules edges = SizeRules.rule(false, 0, 1200, 2048, 0, 0, 0, List.of());
        String landscape = edges.nearest("1536x1024", "1200x1200");
        assertTrue(edges.accepts(landscape), landscape);
        int[] wh = SizeRules.parse(landscape);
        assertTrue(wh[0] > wh[1], "orientation kept: " + landscape);
        SizeRules sevens = SizeRules.rule(false, 7, 0, 0, 0, 0, 0, List.of());
        String big = sevens.nearest("99999x99999", "700x700");
        assertTrue(sevens.accepts(big) && SizeRules.parse(big) != null, big);
        // a rule no neighbour satisfies falls back to the target's default
        SizeRules impossible = SizeRules.rule(false, 16, 0, 484, 0, 3_118_556, 0, List.of());
        assertEquals("480x480", impossible.nearest("1024x1024", "480x480"));
        for (String from : new String[] {"16x16", "99999x16", "16x99999", "4000x3999", "17x23"}) {
            String to = GPT_IMAGE_2.nearest(from, "1024x1024");
            assertTrue(GPT_IMAGE_2.accepts(to), from + " -> " + to);
        }
    }

    @Test
    void autoBecomesTheFallbackWhereTheTargetHasNoAuto() {
        SizeRules dallE3 = SizeRules.list(List.of("1024x1024", "1792x1024", "1024x1792"));
        assertEquals("1024x1024", dallE3.nearest("auto", "1024x1024"));
    }

    @Test
    void anyAcceptsEveryWellFormedSize() {
        assertTrue(SizeRules.ANY.accepts("7x9999"));
        assertTrue(SizeRules.ANY.accepts("auto"));
        assertFalse(SizeRules.ANY.accepts("100000x1"));
        assertFalse(SizeRules.ANY.accepts("01x10"));
    }
}
