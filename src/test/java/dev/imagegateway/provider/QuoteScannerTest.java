package dev.imagegateway.provider;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuoteScannerTest {

    private static int scan(String text, int from) {
        return QuoteScanner.endOfString(text.getBytes(StandardCharsets.ISO_8859_1), from);
    }

    @Test
    void findsTheFirstQuoteOrBackslashAtEveryPosition() {
        String base = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        for (int at = 0; at < base.length(); at++) {
            assertEquals(at, scan(base.substring(0, at) + "\"" + base.substring(at), 0), "quote at " + at);
            assertEquals(at, scan(base.substring(0, at) + "\\" + base.substring(at), 0), "backslash at " + at);
        }
    }

    @Test
    void startsWhereItIsToldAndReportsNone() {
        assertEquals(5, scan("\"abc\"def\"", 1) + 1);
        assertEquals(-1, scan("no quote in here at all", 0));
        assertEquals(-1, scan("", 0));
        // bytes with the high bit set are no quote
        byte[] high = {(byte) 0xA2, (byte) 0xDC, (byte) 0xFF, (byte) 0x80, 1, 2, 3, 4, 5, '"'};
        assertEquals(9, QuoteScanner.endOfString(high, 0));
    }
}
