package dev.imagegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The gateway keys clients must present. Only SHA-256 digests are kept, and a presented key is compared with
 * every one of them in constant time, so neither timing nor a heap dump gives a key away.
 */
public final class ApiKeys {

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = digests;
    }

    /** Parses a comma-separated list; blanks around and between keys are ignored. */
    public static ApiKeys parse(String commaSeparated) {
        List<byte[]> digests = Arrays.stream(commaSeparated == null ? new String[0] : commaSeparated.split(","))
                .map(String::trim)
                .filter(k -> !k.isEmpty())
                .map(ApiKeys::sha256)
                .toList();
        return new ApiKeys(digests);
    }

    /** A fresh random key, for a gateway started without API_SECRET_KEY. */
    public static String generate() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public int size() {
        return digests.size();
    }

    public boolean matches(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] candidate = sha256(presented);
        boolean match = false;
        for (byte[] digest : digests) {
            // no early exit: the time taken does not depend on which key matched
            match |= MessageDigest.isEqual(digest, candidate);
        }
        return match;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
