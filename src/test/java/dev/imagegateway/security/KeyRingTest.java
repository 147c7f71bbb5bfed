package dev.imagegateway.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named and hashed keys from a file, reloaded when it changes; per-key rate and concurrency limits. */
class KeyRingTest {

    @TempDir
    Path dir;

    private static String sha256Hex(String key) {
        return HexFormat.of().formatHex(ApiKeys.sha256(key));
    }

    @Test
    void fileKeysHaveNamesHashesAndLimits() {
        ApiKeys keys = ApiKeys.parseFile(List.of("# team keys", "", "alice:alice-secret rpm=60",
                "bob:sha256:" + sha256Hex("bob-secret") + " concurrency=2 rpm=5"));
        assertEquals("alice", keys.match("alice-secret").orElseThrow().name());
        assertEquals(new ApiKeys.Limits(60, 0), keys.match("alice-secret").orElseThrow().limits());
        assertEquals("bob", keys.match("bob-secret").orElseThrow().name());
        assertEquals(new ApiKeys.Limits(5, 2), keys.match("bob-secret").orElseThrow().limits());
        assertFalse(keys.matches("sha256:" + sha256Hex("bob-secret")), "the hash itself is no key");
        assertFalse(keys.matches("alice"));
    }

    @Test
    void aBadLineIsNamedByNumberNeverByContent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.parseFile(List.of("ok:fine", "nocolon-topsecret")));
        assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("topsecret"));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parseFile(List.of("x:sha256:abc")));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parseFile(List.of("x:key rpm=lots")));
    }

    @Test
    void environmentKeysAreNamedInOrder() {
        ApiKeys keys = ApiKeys.parse("one, two", "env");
        assertEquals("env-2", keys.match("two").orElseThrow().name());
    }

    @Test
    void theFileIsReloadedWhenItChanges() throws Exception {
        Path file = dir.resolve("keys.txt");
        Files.writeString(file, "alice:first\n");
        KeyRing ring = new KeyRing(ApiKeys.parse("fixed", "env"), file);
        assertTrue(ring.keys().matches("first"));
        assertTrue(ring.keys().matches("fixed"));

        Files.writeString(file, "alice:second\ncarol:third\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Thread.sleep(1100);
        assertTrue(ring.keys().matches("second"));
        assertTrue(ring.keys().matches("third"));
        assertFalse(ring.keys().matches("first"), "a key removed from the file stops working");

        // a broken file keeps the keys that were in force
        Files.writeString(file, "garbage line without colon\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(1100);
        assertTrue(ring.keys().matches("second"));
    }

    private static Exchange exchange() {
        return new DefaultExchange(new DefaultCamelContext());
    }

    @Test
    void theRateLimitRefusesWithRetryAfter() {
        KeyLimiter limiter = new KeyLimiter(0, 0);
        ApiKeys.Entry alice = ApiKeys.parseFile(List.of("alice:k rpm=2")).match("k").orElseThrow();
        limiter.acquire(alice, exchange());
        limiter.acquire(alice, exchange());
        GatewayException e = assertThrows(GatewayException.class, () -> limiter.acquire(alice, exchange()));
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertTrue(e.retryAfterSeconds() >= 29 && e.retryAfterSeconds() <= 30, "retry after " + e.retryAfterSeconds());
        assertTrue(e.getMessage().contains("'alice'"));
        // another key has its own budget
        limiter.acquire(ApiKeys.parseFile(List.of("bob:b rpm=2")).match("b").orElseThrow(), exchange());
    }

    @Test
    void theDefaultLimitsApplyToKeysWithoutTheirOwn() {
        KeyLimiter limiter = new KeyLimiter(1, 0);
        ApiKeys.Entry env = ApiKeys.parse("k", "env").match("k").orElseThrow();
        limiter.acquire(env, exchange());
        assertThrows(GatewayException.class, () -> limiter.acquire(env, exchange()));
    }

    @Test
    void theConcurrencyLimitFreesASlotWhenACallEnds() {
        KeyLimiter limiter = new KeyLimiter(0, 0);
        ApiKeys.Entry bob = ApiKeys.parseFile(List.of("bob:k concurrency=1")).match("k").orElseThrow();
        Exchange first = exchange();
        limiter.acquire(bob, first);
        GatewayException e = assertThrows(GatewayException.class, () -> limiter.acquire(bob, exchange()));
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        first.getExchangeExtension().handoverCompletions().forEach(s -> s.onComplete(first));
        limiter.acquire(bob, exchange());
    }
}
