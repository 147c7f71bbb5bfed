package dev.imagegateway.models;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a model catalog ({@code models.yaml}). The YAML is composed into nodes, which keep their line numbers, and
 * checked key by key: a typo, a wrong type, an unknown key, a dangling replacement or a cycle is refused with a message
 * that names the file, the line and the problem, so that a broken file stops the start (or is ignored on reload)
 * instead of serving something else than it says.
 */
public final class ModelCatalogParser {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** Upstream ids may carry a vendor prefix or a version (vendor/model@v2). */
    private static final Pattern UPSTREAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,255}");
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,31}");
    private static final String REFUSE = "refuse";
    private static final Set<String> ENTRY_KEYS = Set.of("like", "provider", "upstream_model", "description", "released",
            "sources", "deprecated", "replacement", "retired", "shut_down", "quality_map", "sizes", "default_size",
            "max_prompt_length", "max_n", "quality", "style", "background", "moderation", "output_format",
            "output_compression", "stream", "edits", "response_format", "default_response_format", "prices",
            "deployments", "fallbacks");
    private static final Set<String> DEPLOYMENT_KEYS = Set.of("name", "provider", "upstream_model", "base_url", "api_key",
            "api_version", "weight", "max_in_flight");
    /** A credential is named, never written into the catalog: an environment variable, or a file (a mounted secret). */
    private static final Pattern KEY_REFERENCE = Pattern.compile("env:[A-Za-z_][A-Za-z0-9_]{0,127}|file:/\\S{1,1024}");
    private static final Pattern BASE_URL = Pattern.compile("https?://[^\\s?#]{1,2000}");
    private static final Set<String> LIFECYCLE_KEYS = Set.of("deprecated", "replacement", "retired", "shut_down");
    private static final Set<String> RULE_KEYS = Set.of("auto", "multiple_of", "min_edge", "max_edge", "max_aspect_ratio",
            "min_pixels", "max_pixels", "presets");
    private static final Set<String> TOKEN_PRICES = Set.of("text_input", "cached_text_input", "image_input",
            "cached_image_input", "text_output", "image_output");

    private final String source;

    private ModelCatalogParser(String source) {
        this.source = source;
    }

    /**
     * @param text      the file's content
     * @param source    its name, for messages
     * @param providers the providers this gateway has
     */
    public static ModelCatalog parse(String text, String source, Set<String> providers) {
        return new ModelCatalogParser(source).read(text, providers);
    }

    private ModelCatalog read(String text, Set<String> providers) {
        Node root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(source).setMaxAliasesForCollections(10).build())
                    .composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new ModelCatalogException(source + (line > 0 ? " line " + line : "") + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ModelCatalogException(source + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new ModelCatalogException(source + ": the file is empty; it needs a 'models:' mapping");
        }
        Map<String, Node> top = mapping(root, "the file", Set.of("default", "models"));
        Node modelsNode = top.get("models");
        if (modelsNode == null) {
            throw error(root, "the file needs a 'models:' mapping of model names to their entries");
        }
        Map<String, ModelEntry> entries = new LinkedHashMap<>();
        Map<String, Map<String, Node>> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mappingNode(modelsNode, "models").getValue()) {
            String name = scalar(tuple.getKeyNode(), "a model name");
            if (!NAME.matcher(name).matches()) {
                throw error(tuple.getKeyNode(), "'" + printable(name) + "' is not a usable model name (letters, digits, . _ : -)");
            }
            if (entries.containsKey(name)) {
                throw error(tuple.getKeyNode(), "model '" + name + "' is listed twice");
            }
            Map<String, Node> own = mapping(tuple.getValueNode(), "model '" + name + "'", ENTRY_KEYS);
            fields.put(name, inherit(name, own, fields));
            entries.put(name, entry(name, tuple.getValueNode(), fields.get(name), providers));
        }
        if (entries.isEmpty()) {
            throw error(modelsNode, "'models' lists no model");
        }
        checkReplacements(entries);
        checkDeployments(entries);
        return new ModelCatalog(entries, defaultModel(top, entries), source);
    }

    /**
     * {@code like: other} starts an entry from an entry above it (a snapshot from its alias, say), then its own keys
     * override; the upstream model id is never inherited (it defaults to the entry's own name), and a lifecycle of its
     * own replaces the inherited one.
     */
    private Map<String, Node> inherit(String name, Map<String, Node> own, Map<String, Map<String, Node>> earlier) {
        if (!own.containsKey("like")) {
            return own;
        }
        String base = text(own.get("like"), "like");
        Map<String, Node> inherited = earlier.get(base);
        if (inherited == null) {
            throw error(own.get("like"), "model '" + name + "': like '" + printable(base) + "', which is not listed above it");
        }
        Map<String, Node> merged = new LinkedHashMap<>(inherited);
        merged.remove("upstream_model");
        if (LIFECYCLE_KEYS.stream().anyMatch(own::containsKey)) {
            // its own lifecycle replaces the inherited one whole
            LIFECYCLE_KEYS.forEach(merged::remove);
            merged.remove("quality_map");
        }
        merged.remove("like");
        merged.putAll(own);
        merged.remove("like");
        return merged;
    }

    /** The file's {@code default}, which must be a model it serves as itself; without one, the first active model. */
    private String defaultModel(Map<String, Node> top, Map<String, ModelEntry> entries) {
        if (!top.containsKey("default")) {
            return entries.values().stream().filter(e -> e.lifecycle().state() == Lifecycle.State.ACTIVE).map(ModelEntry::name)
                    .findFirst().orElseThrow(() -> error(top.get("models"), "no active model to serve requests that name none; add 'default:'"));
        }
        String name = text(top.get("default"), "default");
        ModelEntry entry = entries.get(name);
        if (entry == null) {
            throw error(top.get("default"), "default '" + printable(name) + "' is not a model of the file");
        }
        if (entry.lifecycle().state() == Lifecycle.State.RETIRED) {
            throw error(top.get("default"), "default '" + name + "' is retired; name a model that serves as itself");
        }
        return name;
    }

    private ModelEntry entry(String name, Node node, Map<String, Node> f, Set<String> providers) {
        String where = "model '" + name + "'";
        String provider = f.containsKey("deployments") && !f.containsKey("provider") ? null : requiredText(f, "provider", node, where);
        if (provider != null) {
            checkProvider(f.get("provider"), provider, where, providers);
        }
        String upstream = name;
        if (f.containsKey("upstream_model")) {
            upstream = text(f.get("upstream_model"), "upstream_model");
            if (!UPSTREAM.matcher(upstream).matches()) {
                throw error(f.get("upstream_model"), where + ": upstream_model '" + printable(upstream) + "' is not a usable model id");
            }
        }
        Lifecycle lifecycle = lifecycle(f, where);
        SizeRules sizes = f.containsKey("sizes") ? sizes(f.get("sizes"), where) : SizeRules.ANY;
        String defaultSize;
        if (f.containsKey("default_size")) {
            defaultSize = text(f.get("default_size"), "default_size");
            if (!sizes.accepts(defaultSize)) {
                throw error(f.get("default_size"), where + ": default_size '" + printable(defaultSize)
                        + "' is not one of its own sizes (" + sizes.describe() + ")");
            }
        } else if (sizes.accepts(ModelEntry.DEFAULT_SIZE)) {
            defaultSize = ModelEntry.DEFAULT_SIZE;
        } else {
            // the first size it lists (or presets), else it must say
            defaultSize = sizes.presets().stream().filter(s -> SizeRules.parse(s) != null).findFirst().orElseThrow(
                    () -> error(node, where + ": " + ModelEntry.DEFAULT_SIZE + " is not one of its sizes, so it needs a default_size"));
        }
        Map<String, Set<String>> options = new LinkedHashMap<>();
        for (String option : ModelEntry.OPTIONS) {
            if (f.containsKey(option)) {
                options.put(option, tokens(f.get(option), where + ": " + option));
            }
        }
        Map<String, String> qualityMap = Map.of();
        if (f.containsKey("quality_map")) {
            if (lifecycle.state() == Lifecycle.State.ACTIVE) {
                throw error(f.get("quality_map"), where + ": quality_map is for a deprecated or retired model, mapped to its replacement");
            }
            qualityMap = new LinkedHashMap<>();
            for (NodeTuple t : mappingNode(f.get("quality_map"), "quality_map").getValue()) {
                if (qualityMap.put(token(t.getKeyNode(), "a quality"), token(t.getValueNode(), "a quality")) != null) {
                    throw error(t.getKeyNode(), where + ": quality_map maps '" + scalar(t.getKeyNode(), "a quality") + "' twice");
                }
            }
        }
        String doorFormat = f.containsKey("default_response_format") ? text(f.get("default_response_format"), "default_response_format") : "b64_json";
        if (!doorFormat.equals("url") && !doorFormat.equals("b64_json")) {
            throw error(f.get("default_response_format"), where + ": default_response_format is url or b64_json");
        }
        List<String> sources = new ArrayList<>();
        if (f.containsKey("sources")) {
            Node s = f.get("sources");
            if (s instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    sources.add(text(item, "sources"));
                }
            } else {
                sources.add(text(s, "sources"));
            }
        }
        List<Deployment> deployments = f.containsKey("deployments")
                ? deployments(f.get("deployments"), where, upstream, providers)
                : List.of(new Deployment(provider, provider, upstream, null, null, null, 1, null, line(node)));
        if (provider == null) {
            provider = deployments.get(0).provider();
        }
        List<String> fallbacks = new ArrayList<>();
        if (f.containsKey("fallbacks")) {
            for (Node item : sequence(f.get("fallbacks"), where + ": fallbacks").getValue()) {
                String fallback = name(item, "fallbacks");
                if (fallback.equals(name) || fallbacks.contains(fallback)) {
                    throw error(item, where + ": fallbacks lists '" + fallback + "' twice or names the model itself");
                }
                fallbacks.add(fallback);
            }
        }
        return new ModelEntry(name, provider, upstream,
                f.containsKey("description") ? text(f.get("description"), "description") : null,
                f.containsKey("released") ? date(f.get("released"), "released") : null,
                lifecycle, sizes, defaultSize,
                f.containsKey("max_prompt_length") ? positive(f.get("max_prompt_length"), "max_prompt_length") : null,
                f.containsKey("max_n") ? positive(f.get("max_n"), "max_n") : null,
                options,
                f.containsKey("output_compression") ? bool(f.get("output_compression"), "output_compression") : null,
                f.containsKey("stream") ? bool(f.get("stream"), "stream") : null,
                f.containsKey("edits") ? bool(f.get("edits"), "edits") : null,
                f.containsKey("response_format") && bool(f.get("response_format"), "response_format"),
                doorFormat, qualityMap,
                f.containsKey("prices") ? prices(f.get("prices"), where) : ModelPrices.NONE,
                sources, List.copyOf(deployments), List.copyOf(fallbacks), line(node));
    }

    private void checkProvider(Node node, String provider, String where, Set<String> providers) {
        if (!providers.contains(provider)) {
            throw error(node, where + ": unknown provider '" + printable(provider) + "'; this gateway has "
                    + String.join(", ", new java.util.TreeSet<>(providers)));
        }
    }

    /** {@code deployments:} a list of where the model is served; see {@link Deployment}. */
    private List<Deployment> deployments(Node node, String where, String modelUpstream, Set<String> providers) {
        List<Deployment> list = new ArrayList<>();
        for (Node item : sequence(node, where + ": deployments").getValue()) {
            Map<String, Node> d = mapping(item, where + ": a deployment", DEPLOYMENT_KEYS);
            String provider = requiredText(d, "provider", item, where + ": a deployment");
            checkProvider(d.get("provider"), provider, where + ": a deployment", providers);
            String name = d.containsKey("name") ? name(d.get("name"), "deployment name") : provider;
            String at = where + ": deployment '" + name + "'";
            if (list.stream().anyMatch(other -> other.name().equals(name))) {
                throw error(item, at + " is listed twice; give each deployment its own name");
            }
            String upstream = modelUpstream;
            if (d.containsKey("upstream_model")) {
                upstream = text(d.get("upstream_model"), "upstream_model");
                if (!UPSTREAM.matcher(upstream).matches()) {
                    throw error(d.get("upstream_model"), at + ": upstream_model '" + printable(upstream) + "' is not a usable model id");
                }
            }
            String baseUrl = null;
            if (d.containsKey("base_url")) {
                baseUrl = text(d.get("base_url"), "base_url");
                if (!BASE_URL.matcher(baseUrl).matches()) {
                    throw error(d.get("base_url"), at + ": base_url must be an http:// or https:// URL without query");
                }
                while (baseUrl.endsWith("/")) {
                    baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
                }
            }
            String apiKey = null;
            if (d.containsKey("api_key")) {
                apiKey = text(d.get("api_key"), "api_key");
                if (!KEY_REFERENCE.matcher(apiKey).matches()) {
                    // never echo it: it may be the key itself
                    throw error(d.get("api_key"), at + ": api_key must name where the key is (env:VARIABLE or "
                            + "file:/path), never the key itself");
                }
            }
            String apiVersion = d.containsKey("api_version") ? token(d.get("api_version"), "api_version") : null;
            int weight = 1;
            if (d.containsKey("weight")) {
                BigDecimal w = number(d.get("weight"), "weight");
                weight = -1;
                try {
                    weight = w.intValueExact();
                } catch (ArithmeticException e) {
                    // refused below
                }
                if (weight < 0 || weight > 1_000_000) {
                    throw error(d.get("weight"), at + ": weight must be a whole number from 0 (failover only) to 1000000");
                }
            }
            Integer maxInFlight = d.containsKey("max_in_flight") ? positive(d.get("max_in_flight"), "max_in_flight") : null;
            list.add(new Deployment(name, provider, upstream, baseUrl, apiKey, apiVersion, weight, maxInFlight, line(item)));
        }
        if (list.isEmpty()) {
            throw error(node, where + ": deployments lists none");
        }
        return list;
    }

    /** A deployment is one endpoint wherever it is named; fallbacks name models of the catalog. */
    private void checkDeployments(Map<String, ModelEntry> entries) {
        Map<String, Deployment> seen = new LinkedHashMap<>();
        for (ModelEntry entry : entries.values()) {
            for (Deployment d : entry.deployments()) {
                Deployment other = seen.putIfAbsent(d.name(), d);
                if (other != null && !other.sameEndpoint(d)) {
                    throw new ModelCatalogException(source + " line " + d.line() + ": deployment '" + d.name()
                            + "' of model '" + entry.name() + "' differs from the one of that name on line " + other.line()
                            + " (provider, base_url, api_key, api_version and max_in_flight must agree); give it another name");
                }
            }
            for (String fallback : entry.fallbacks()) {
                if (!entries.containsKey(fallback)) {
                    throw new ModelCatalogException(source + " line " + entry.line() + ": model '" + entry.name()
                            + "' falls back to '" + fallback + "', which the catalog does not list");
                }
            }
        }
    }

    private Lifecycle lifecycle(Map<String, Node> f, String where) {
        boolean deprecated = f.containsKey("deprecated");
        boolean retired = f.containsKey("retired");
        if (deprecated && retired) {
            throw error(f.get("retired"), where + ": a model is deprecated or retired, not both");
        }
        if (f.containsKey("replacement") && !deprecated) {
            throw error(f.get("replacement"), where + ": replacement is for a deprecated model (a retired one names its target in "
                    + "'retired'; an entry with 'like:' that sets its own lifecycle gives all of it: 'deprecated' too)");
        }
        if (f.containsKey("shut_down") && !retired) {
            throw error(f.get("shut_down"), where + ": shut_down is for a retired model (a deprecated one gives its date in 'deprecated')");
        }
        if (deprecated) {
            String replacement = f.containsKey("replacement") ? target(f.get("replacement"), "replacement") : null;
            return new Lifecycle(Lifecycle.State.DEPRECATED, date(f.get("deprecated"), "deprecated (its shutdown date)"), replacement);
        }
        if (retired) {
            LocalDate when = f.containsKey("shut_down") ? date(f.get("shut_down"), "shut_down") : null;
            return new Lifecycle(Lifecycle.State.RETIRED, when, target(f.get("retired"), "retired (the model it maps to, or refuse)"));
        }
        return Lifecycle.ACTIVE;
    }

    /** A model name, or null for {@code refuse}. */
    private String target(Node node, String what) {
        String value = text(node, what);
        return REFUSE.equals(value) ? null : name(node, what);
    }

    private SizeRules sizes(Node node, String where) {
        if (node instanceof SequenceNode seq) {
            List<String> list = new ArrayList<>();
            for (Node item : seq.getValue()) {
                String size = text(item, "sizes");
                if (!SizeRules.AUTO.equals(size) && SizeRules.parse(size) == null) {
                    throw error(item, where + ": size '" + printable(size) + "' is not WIDTHxHEIGHT or auto");
                }
                if (list.contains(size)) {
                    throw error(item, where + ": size " + size + " is listed twice");
                }
                list.add(size);
            }
            if (list.isEmpty()) {
                throw error(node, where + ": sizes lists no size (leave it out to let any size through)");
            }
            return SizeRules.list(list);
        }
        Map<String, Node> r = mapping(node, where + ": sizes", RULE_KEYS);
        int multipleOf = r.containsKey("multiple_of") ? positive(r.get("multiple_of"), "multiple_of") : 0;
        int minEdge = r.containsKey("min_edge") ? positive(r.get("min_edge"), "min_edge") : 0;
        int maxEdge = r.containsKey("max_edge") ? positive(r.get("max_edge"), "max_edge") : 0;
        double ratio = r.containsKey("max_aspect_ratio") ? number(r.get("max_aspect_ratio"), "max_aspect_ratio").doubleValue() : 0;
        if (r.containsKey("max_aspect_ratio") && ratio < 1) {
            throw error(r.get("max_aspect_ratio"), where + ": max_aspect_ratio is long side over short side, at least 1");
        }
        long minPixels = r.containsKey("min_pixels") ? positive(r.get("min_pixels"), "min_pixels") : 0;
        long maxPixels = r.containsKey("max_pixels") ? positive(r.get("max_pixels"), "max_pixels") : 0;
        if (maxPixels > 0 && minPixels > maxPixels) {
            throw error(r.get("min_pixels"), where + ": min_pixels is above max_pixels");
        }
        if (maxEdge > 0 && minEdge > maxEdge) {
            throw error(r.get("min_edge"), where + ": min_edge is above max_edge");
        }
        boolean auto = r.containsKey("auto") && bool(r.get("auto"), "auto");
        SizeRules rule = SizeRules.rule(auto, multipleOf, minEdge, maxEdge, ratio, minPixels, maxPixels, List.of());
        List<String> presets = new ArrayList<>();
        if (r.containsKey("presets")) {
            for (Node item : sequence(r.get("presets"), "presets").getValue()) {
                String size = text(item, "presets");
                if (!rule.accepts(size)) {
                    throw error(item, where + ": preset '" + printable(size) + "' breaks its own rule ("
                            + (SizeRules.parse(size) == null && !SizeRules.AUTO.equals(size) ? "not WIDTHxHEIGHT" : rule.refusal(size)) + ")");
                }
                presets.add(size);
            }
        }
        return SizeRules.rule(auto, multipleOf, minEdge, maxEdge, ratio, minPixels, maxPixels, presets);
    }

    private ModelPrices prices(Node node, String where) {
        Map<String, Node> p = mapping(node, where + ": prices", Set.of("currency", "per_image", "per_million_tokens",
                "image_output_tokens", "per_megapixel"));
        if (p.containsKey("currency") && !"USD".equals(text(p.get("currency"), "currency"))) {
            throw error(p.get("currency"), where + ": prices are in USD");
        }
        Map<String, Map<String, BigDecimal>> perImage = bySizeTable(p.get("per_image"), "per_image", where);
        Map<String, Map<String, BigDecimal>> outputTokens = bySizeTable(p.get("image_output_tokens"), "image_output_tokens", where);
        if (!outputTokens.isEmpty() && !perTokenHas(p, "image_output")) {
            throw error(p.get("image_output_tokens"), where + ": image_output_tokens needs a per_million_tokens image_output price");
        }
        ModelPrices.Megapixels megapixels = null;
        if (p.containsKey("per_megapixel")) {
            Map<String, Node> mp = mapping(p.get("per_megapixel"), where + ": per_megapixel", Set.of("first", "additional"));
            if (!mp.containsKey("first") || !mp.containsKey("additional")) {
                throw error(p.get("per_megapixel"), where + ": per_megapixel needs first and additional");
            }
            megapixels = new ModelPrices.Megapixels(price(mp.get("first")), price(mp.get("additional")));
        }
        Map<String, BigDecimal> perToken = new LinkedHashMap<>();
        if (p.containsKey("per_million_tokens")) {
            for (NodeTuple t : mappingNode(p.get("per_million_tokens"), "per_million_tokens").getValue()) {
                String kind = text(t.getKeyNode(), "a token kind");
                if (!TOKEN_PRICES.contains(kind)) {
                    throw error(t.getKeyNode(), where + ": unknown token kind '" + printable(kind) + "'; known: "
                            + String.join(", ", new java.util.TreeSet<>(TOKEN_PRICES)));
                }
                if (perToken.put(kind, price(t.getValueNode())) != null) {
                    throw error(t.getKeyNode(), where + ": two prices for " + kind);
                }
            }
        }
        return new ModelPrices(perImage, perToken, outputTokens, megapixels);
    }

    private boolean perTokenHas(Map<String, Node> p, String kind) {
        if (!p.containsKey("per_million_tokens")) {
            return false;
        }
        for (NodeTuple t : mappingNode(p.get("per_million_tokens"), "per_million_tokens").getValue()) {
            if (kind.equals(text(t.getKeyNode(), "a token kind"))) {
                return true;
            }
        }
        return false;
    }

    /** A {quality: {size: number}} table (per_image prices, image_output_tokens); empty when absent. */
    private Map<String, Map<String, BigDecimal>> bySizeTable(Node node, String field, String where) {
        Map<String, Map<String, BigDecimal>> perImage = new LinkedHashMap<>();
        if (node != null) {
            for (NodeTuple q : mappingNode(node, field).getValue()) {
                String quality = token(q.getKeyNode(), "a quality");
                Map<String, BigDecimal> bySize = new LinkedHashMap<>();
                for (NodeTuple s : mappingNode(q.getValueNode(), field + "." + quality).getValue()) {
                    String size = text(s.getKeyNode(), "a size");
                    if (SizeRules.parse(size) == null && !SizeRules.AUTO.equals(size)) {
                        throw error(s.getKeyNode(), where + ": price for '" + printable(size) + "', which is not WIDTHxHEIGHT");
                    }
                    if (bySize.put(size, price(s.getValueNode())) != null) {
                        throw error(s.getKeyNode(), where + ": two prices for " + quality + " " + size);
                    }
                }
                if (perImage.put(quality, bySize) != null) {
                    throw error(q.getKeyNode(), where + ": " + field + " lists " + quality + " twice");
                }
            }
        }
        return perImage;
    }

    private BigDecimal price(Node node) {
        BigDecimal value = number(node, "a price");
        if (value.signum() < 0) {
            throw error(node, "a price cannot be negative");
        }
        return value;
    }

    /** Replacements exist, and following them never comes back to where it started. */
    private void checkReplacements(Map<String, ModelEntry> entries) {
        for (ModelEntry entry : entries.values()) {
            String target = entry.lifecycle().replacement();
            if (target != null && !entries.containsKey(target)) {
                throw new ModelCatalogException(source + " line " + entry.line() + ": model '" + entry.name()
                        + "' maps to '" + target + "', which the catalog does not list");
            }
            Set<String> qualities = entry.accepted("quality");
            for (String own : entry.qualityMap().keySet()) {
                if (qualities != null && !qualities.contains(own)) {
                    throw new ModelCatalogException(source + " line " + entry.line() + ": model '" + entry.name()
                            + "' maps the quality '" + own + "', which it does not take itself");
                }
            }
        }
        for (ModelEntry entry : entries.values()) {
            String target = entry.lifecycle().replacement();
            if (target == null) {
                continue;
            }
            Set<String> seen = new HashSet<>();
            seen.add(entry.name());
            String next = target;
            while (next != null) {
                if (!seen.add(next)) {
                    throw new ModelCatalogException(source + " line " + entry.line() + ": model '" + entry.name()
                            + "' maps back to itself through " + String.join(" -> ", seen));
                }
                next = entries.get(next).lifecycle().replacement();
            }
            ModelEntry replacement = entries.get(target);
            Set<String> qualities = replacement.accepted("quality");
            for (String mapped : entry.qualityMap().values()) {
                if (qualities != null && !qualities.contains(mapped)) {
                    throw new ModelCatalogException(source + " line " + entry.line() + ": model '" + entry.name()
                            + "' maps a quality to '" + mapped + "', which " + target + " does not take");
                }
            }
        }
    }

    // --- node helpers ---------------------------------------------------------------------------------------------

    private Map<String, Node> mapping(Node node, String what, Set<String> allowed) {
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mappingNode(node, what).getValue()) {
            String key = scalar(tuple.getKeyNode(), "a key");
            if (!allowed.contains(key)) {
                throw error(tuple.getKeyNode(), what + ": unknown key '" + printable(key) + "'; known keys: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            if (fields.containsKey(key)) {
                throw error(tuple.getKeyNode(), what + ": key '" + key + "' appears twice");
            }
            fields.put(key, tuple.getValueNode());
        }
        return fields;
    }

    private MappingNode mappingNode(Node node, String what) {
        if (node instanceof MappingNode m) {
            return m;
        }
        throw error(node, what + " must be a mapping (key: value lines)");
    }

    private SequenceNode sequence(Node node, String what) {
        if (node instanceof SequenceNode s) {
            return s;
        }
        throw error(node, what + " must be a list");
    }

    private String scalar(Node node, String what) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        throw error(node, what + " must be a single value");
    }

    private String requiredText(Map<String, Node> f, String key, Node parent, String where) {
        if (!f.containsKey(key)) {
            throw error(parent, where + ": '" + key + "' is required");
        }
        return text(f.get(key), key);
    }

    private String text(Node node, String what) {
        String value = scalar(node, what).trim();
        if (value.isEmpty()) {
            throw error(node, what + " is empty");
        }
        return value;
    }

    private String name(Node node, String what) {
        String value = text(node, what);
        if (!NAME.matcher(value).matches()) {
            throw error(node, what + ": '" + printable(value) + "' is not a usable model name");
        }
        return value;
    }

    private String token(Node node, String what) {
        String value = text(node, what);
        if (!TOKEN.matcher(value).matches()) {
            throw error(node, what + ": '" + printable(value) + "' is not a value a request could send (lower case, digits, _ . -)");
        }
        return value;
    }

    private Set<String> tokens(Node node, String what) {
        Set<String> values = new LinkedHashSet<>();
        for (Node item : sequence(node, what).getValue()) {
            if (!values.add(token(item, what))) {
                throw error(item, what + ": '" + scalar(item, what) + "' is listed twice");
            }
        }
        return Set.copyOf(values);
    }

    private boolean bool(Node node, String what) {
        String value = text(node, what);
        if (value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw error(node, what + " must be true or false, not '" + printable(value) + "'");
    }

    private BigDecimal number(Node node, String what) {
        String value = text(node, what);
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw error(node, what + " must be a number, not '" + printable(value) + "'");
        }
    }

    private int positive(Node node, String what) {
        BigDecimal value = number(node, what);
        try {
            int n = value.intValueExact();
            if (n > 0) {
                return n;
            }
        } catch (ArithmeticException e) {
            // falls through to the message
        }
        throw error(node, what + " must be a whole number above 0, not '" + printable(scalar(node, what)) + "'");
    }

    private LocalDate date(Node node, String what) {
        String value = text(node, what);
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw error(node, what + " must be a date as YYYY-MM-DD, not '" + printable(value) + "'");
        }
    }

    private ModelCatalogException error(Node node, String problem) {
        int line = line(node);
        return new ModelCatalogException(source + (line > 0 ? " line " + line : "") + ": " + problem);
    }

    private static int line(Node node) {
        return node == null ? 0 : node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
    }

    private static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "..." : clean;
    }
}
