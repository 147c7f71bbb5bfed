package dev.imagegateway.inbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One streaming pass over a prompt file before its batch starts: the key of its batch (its name and content hashed,
 * so a restart finds its journal), how many prompts it holds (for progress), and whether it is text at all: a file
 * with NUL bytes or bytes that are not UTF-8 is refused whole (each of its "lines" would be a paid call for garbage).
 * Nothing of the file is kept.
 */
final class InboxFileScan {

    record Result(String key, int prompts) {
    }

    private InboxFileScan() {
    }

    static Result scan(Path file, String fileName) throws IOException {
        MessageDigest sha = sha256();
        sha.update(fileName.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        boolean json = InboxFileParser.isJsonLines(fileName);
        int prompts = 0;
        try (InputStream raw = Files.newInputStream(file);
             BufferedReader reader = reader(new DigestInputStream(raw, sha))) {
            int number = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.indexOf('\u0000') >= 0) {
                    throw new IllegalArgumentException("The file holds NUL bytes: it is binary, not prompts in UTF-8 text");
                }
                if (InboxFileParser.line(number, line, json) != null) {
                    prompts++;
                }
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("The file is not UTF-8 text: prompt files are read as UTF-8");
        }
        return new Result(HexFormat.of().formatHex(sha.digest(), 0, 16), prompts);
    }

    /** A reader that refuses what is not UTF-8 (an overlong form, a stray byte) instead of replacing it. */
    static BufferedReader reader(Path file) throws IOException {
        return reader(Files.newInputStream(file));
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 64 * 1024);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
