package dev.imagegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The gateway keys clients may present, each with a name (what logs and metrics show, never the key) and its own
 * limits. Only SHA-256 digests are kept, and a presented key is compared with every one of them in constant time,
 * so neither timing nor a heap dump gives a key away.
 */
public final class ApiKeys {

    /** Requests per minute and calls at once allowed to a key; 0 means the gateway's default. */
    public record Limits(int perMinute, int concurrency) {
        public static final Limits DEFAULT = new Limits(0, 0);
    }

    /**
     * What a key may spend and use: a budget in US dollars per day and/or per month (null: none), the models it may
     * ask for (empty: all), and whether it is an admin key (sees every key's usage). Keys from API_SECRET_KEY are the
     * operator's own: admin, no budget, every model.
     */
    public record Grants(java.math.BigDecimal budgetDay, java.math.BigDecimal budgetMonth, java.util.Set<String> models,
                         boolean admin) {
        public static final Grants OPERATOR = new Grants(null, null, java.util.Set.of(), true);
        public static final Grants USER = new Grants(null, null, java.util.Set.of(), false);

        public Grants {
            models = java.util.Set.copyOf(models);
        }

        public boolean hasBudget() {
            return budgetDay != null || budgetMonth != null;
        }

        /** True when the key may ask for {@code model}. */
        public boolean allows(String model) {
            return models.isEmpty() || models.contains(model);
        }
    }

    /** One key: its name, the digest of the key, its limits and what it may spend and use. */
    public record Entry(String name, byte[] digest, Limits limits, Grants grants) {
        public Entry(String name, byte[] digest, Limits limits) {
            this(name, digest, limits, Grants.USER);
        }
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Keys from a comma-separated list (API_SECRET_KEY), named {@code <prefix>-1}, {@code <prefix>-2}, ... */
    public static ApiKeys parse(String commaSeparated, String namePrefix) {
        List<Entry> entries = new ArrayList<>();
        if (commaSeparated != null) {
            for (String key : commaSeparated.split(",")) {
                if (!key.isBlank()) {
                    entries.add(new Entry(namePrefix + "-" + (entries.size() + 1), sha256(key.trim()), Limits.DEFAULT, Grants.OPERATOR));
                }
            }
        }
        return new ApiKeys(entries);
    }

    public static ApiKeys parse(String commaSeparated) {
        return parse(commaSeparated, "key");
    }

    /**
     * Keys from the lines of an API_KEYS_FILE: {@code name:key} or {@code name:sha256:<64 hex>}, optionally followed
     * by {@code rpm=N}, {@code concurrency=N}, {@code budget_day=USD}, {@code budget_month=USD},
     * {@code models=a,b} and {@code role=admin|user}; blank lines and {@code #} comments are skipped.
     *
     * @throws IllegalArgumentException naming the line (never its key) when a line cannot be read
     */
    public static ApiKeys parseFile(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            int colon = words[0].indexOf(':');
            if (colon <= 0 || colon == words[0].length() - 1) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected name:key or name:sha256:<hex>");
            }
            String name = words[0].substring(0, colon);
            String secret = words[0].substring(colon + 1);
            byte[] digest;
            if (secret.startsWith("sha256:")) {
                String hex = secret.substring("sha256:".length());
                if (!hex.matches("[0-9a-fA-F]{64}")) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": sha256 needs 64 hex digits");
                }
                digest = HexFormat.of().parseHex(hex.toLowerCase());
            } else {
                digest = sha256(secret);
            }
            Integer before = seen.putIfAbsent(name, i + 1);
            if (before != null) {
                // budgets, limits and the ledger go by name: two keys of one name would share them
                throw new IllegalArgumentException("line " + (i + 1) + ": the name '" + name + "' is on line " + before + " already");
            }
            entries.add(options(name, digest, words, i + 1));
        }
        return new ApiKeys(entries);
    }

    private static Entry options(String name, byte[] digest, String[] words, int line) {
        int perMinute = 0;
        int concurrency = 0;
        java.math.BigDecimal day = null;
        java.math.BigDecimal month = null;
        java.util.Set<String> models = java.util.Set.of();
        boolean admin = false;
        for (int w = 1; w < words.length; w++) {
            String[] option = words[w].split("=", 2);
            String value = option.length == 2 ? option[1] : null;
            try {
                switch (value == null ? "" : option[0]) {
                    case "rpm" -> perMinute = Integer.parseInt(value);
                    case "concurrency" -> concurrency = Integer.parseInt(value);
                    case "budget_day" -> day = dollars(value, option[0], line);
                    case "budget_month" -> month = dollars(value, option[0], line);
                    case "models" -> {
                        models = new java.util.LinkedHashSet<>(java.util.Arrays.stream(value.split(","))
                                .map(String::strip).filter(m -> !m.isEmpty()).toList());
                        if (models.isEmpty()) {
                            // an empty list would read as "every model": say what was meant instead
                            throw new IllegalArgumentException("line " + line + ": models needs at least one model name");
                        }
                    }
                    case "role" -> {
                        if (!value.equals("admin") && !value.equals("user")) {
                            throw new IllegalArgumentException("line " + line + ": role is admin or user");
                        }
                        admin = value.equals("admin");
                    }
                    default -> throw new IllegalArgumentException("line " + line + ": unknown option '" + option[0] + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + line + ": " + option[0] + " must be a whole number");
            }
        }
        return new Entry(name, digest, new Limits(perMinute, concurrency), new Grants(day, month, models, admin));
    }

    private static java.math.BigDecimal dollars(String value, String option, int line) {
        try {
            java.math.BigDecimal usd = new java.math.BigDecimal(value);
            if (usd.signum() < 0) {
                throw new NumberFormatException();
            }
            return usd;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + line + ": " + option + " must be an amount in US dollars, such as 5 or 0.50");
        }
    }

    /** Every key's entry, for the budgets' metrics and the usage report. */
    public List<Entry> entries() {
        return entries;
    }

    /** These keys and those. */
    public ApiKeys plus(ApiKeys others) {
        java.util.Set<String> names = new java.util.HashSet<>();
        entries.forEach(e -> names.add(e.name()));
        for (Entry other : others.entries) {
            if (names.contains(other.name())) {
                // limits, budgets and the ledger go by name
                throw new IllegalArgumentException("the name '" + other.name() + "' is taken by a key of API_SECRET_KEY");
            }
        }
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(others.entries);
        return new ApiKeys(all);
    }

    /** A fresh random key, for a gateway started without any key. */
    public static String generate() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The entry of the presented key, compared with every key in constant time. */
    public Optional<Entry> match(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] candidate = sha256(presented);
        Entry found = null;
        for (Entry entry : entries) {
            // no early exit: the time taken does not depend on which key matched
            if (MessageDigest.isEqual(entry.digest(), candidate) && found == null) {
                found = entry;
            }
        }
        return Optional.ofNullable(found);
    }

    public boolean matches(String presented) {
        return match(presented).isPresent();
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
