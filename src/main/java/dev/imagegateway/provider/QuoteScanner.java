package dev.imagegateway.provider;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds where a JSON string ends in raw bytes, eight bytes at a time: the first {@code "} or {@code \} from a
 * position. A 2 MB base64 image is one such string; scanning it byte by byte showed up in the profile.
 */
final class QuoteScanner {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';

    private QuoteScanner() {
    }

    /** Index of the first quote or backslash at or after {@code from}, or -1 if there is none. */
    static int endOfString(byte[] bytes, int from) {
        int i = from;
        for (; i + 8 <= bytes.length; i += 8) {
            long word = (long) LONGS.get(bytes, i);
            if (hasByte(word ^ QUOTES) || hasByte(word ^ BACKSLASHES)) {
                break;
            }
        }
        for (; i < bytes.length; i++) {
            if (bytes[i] == '"' || bytes[i] == '\\') {
                return i;
            }
        }
        return -1;
    }

    /** True when some byte of {@code x} is zero (the classic "haszero" bit trick). */
    private static boolean hasByte(long x) {
        return ((x - ONES) & ~x & HIGHS) != 0;
    }
}
