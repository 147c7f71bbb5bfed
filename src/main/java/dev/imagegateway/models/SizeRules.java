package dev.imagegateway.models;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sizes a model accepts, as its catalog entry gives them: a list ({@code [1024x1024, 1792x1024, auto]}), or a
 * rule (both sides multiples of N, a longest and shortest edge, a largest aspect ratio, a pixel range, {@code auto}),
 * or nothing at all, in which case any {@code WIDTHxHEIGHT} or {@code auto} passes and the upstream judges.
 */
public final class SizeRules {

    public static final String AUTO = "auto";
    /** The largest side a WIDTHxHEIGHT of five digits can name. */
    private static final int MAX_SIDE = 99_999;
    /** How many multiples on each side of the estimate are tried. */
    private static final int SEARCH = 48;
    private static final Pattern WXH = Pattern.compile("([1-9][0-9]{0,4})x([1-9][0-9]{0,4})");

    /** No rule: the form is checked, nothing else. */
    public static final SizeRules ANY = new SizeRules(null, true, 0, 0, 0, 0, 0, 0, List.of());

    private final List<String> list;
    private final boolean auto;
    private final int multipleOf;
    private final int minEdge;
    private final int maxEdge;
    private final double maxAspectRatio;
    private final long minPixels;
    private final long maxPixels;
    private final List<String> presets;

    private SizeRules(List<String> list, boolean auto, int multipleOf, int minEdge, int maxEdge, double maxAspectRatio,
                      long minPixels, long maxPixels, List<String> presets) {
        this.list = list == null ? null : List.copyOf(list);
        this.auto = auto;
        this.multipleOf = multipleOf;
        this.minEdge = minEdge;
        this.maxEdge = maxEdge;
        this.maxAspectRatio = maxAspectRatio;
        this.minPixels = minPixels;
        this.maxPixels = maxPixels;
        this.presets = List.copyOf(presets);
    }

    public static SizeRules list(List<String> sizes) {
        return new SizeRules(sizes, sizes.contains(AUTO), 0, 0, 0, 0, 0, 0, List.of());
    }

    /** A rule; 0 for any bound means none. */
    public static SizeRules rule(boolean auto, int multipleOf, int minEdge, int maxEdge, double maxAspectRatio,
                                 long minPixels, long maxPixels, List<String> presets) {
        return new SizeRules(null, auto, multipleOf, minEdge, maxEdge, maxAspectRatio, minPixels, maxPixels, presets);
    }

    public boolean isList() {
        return list != null;
    }

    /** Parses {@code WIDTHxHEIGHT}; null for anything else (auto included). */
    public static int[] parse(String size) {
        if (size == null) {
            return null;
        }
        Matcher m = WXH.matcher(size);
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    public boolean accepts(String size) {
        if (list != null) {
            return list.contains(size);
        }
        if (AUTO.equals(size)) {
            return auto;
        }
        int[] wh = parse(size);
        return wh != null && fits(wh[0], wh[1]);
    }

    /** Why a well-formed size is refused, for the error message; null when it is accepted. */
    public String refusal(String size) {
        if (accepts(size)) {
            return null;
        }
        if (list != null) {
            return "allowed: " + String.join(", ", list);
        }
        int[] wh = parse(size);
        if (wh == null) {
            return "expected WIDTHxHEIGHT" + (auto ? " or auto" : "");
        }
        int w = wh[0];
        int h = wh[1];
        long pixels = (long) w * h;
        if (multipleOf > 0 && (w % multipleOf != 0 || h % multipleOf != 0)) {
            return "width and height must be multiples of " + multipleOf;
        }
        if (maxEdge > 0 && Math.max(w, h) > maxEdge) {
            return "the longest edge is at most " + maxEdge;
        }
        if (minEdge > 0 && Math.min(w, h) < minEdge) {
            return "the shortest edge is at least " + minEdge;
        }
        if (maxAspectRatio > 0 && ratio(w, h) > maxAspectRatio + 1e-9) {
            return "the aspect ratio is at most " + format(maxAspectRatio) + ":1";
        }
        if (minPixels > 0 && pixels < minPixels) {
            return "at least " + minPixels + " pixels (" + w + "x" + h + " is " + pixels + ")";
        }
        return "at most " + maxPixels + " pixels (" + w + "x" + h + " is " + pixels + ")";
    }

    /** The rules in a few words, for messages and /api/info. */
    public String describe() {
        if (list != null) {
            return String.join(", ", list);
        }
        List<String> parts = new ArrayList<>();
        parts.add("WIDTHxHEIGHT" + (auto ? " or auto" : ""));
        if (multipleOf > 0) {
            parts.add("sides multiples of " + multipleOf);
        }
        if (minEdge > 0) {
            parts.add("shortest edge " + minEdge);
        }
        if (maxEdge > 0) {
            parts.add("longest edge " + maxEdge);
        }
        if (maxAspectRatio > 0) {
            parts.add("aspect ratio up to " + format(maxAspectRatio) + ":1");
        }
        if (minPixels > 0 || maxPixels > 0) {
            parts.add((minPixels > 0 ? minPixels : 1) + " to " + (maxPixels > 0 ? Long.toString(maxPixels) : "any") + " pixels");
        }
        return String.join(", ", parts);
    }

    /** Sizes to offer in a picker: the list itself, or the rule's presets. */
    public List<String> presets() {
        return list != null ? list : presets;
    }

    boolean acceptsAuto() {
        return auto;
    }

    /**
     * The size this model accepts that is nearest to {@code size} (accepted by some other model), keeping its
     * orientation: the same size when accepted; among a list, the closest aspect ratio, then the closest pixel count;
     * under a rule, the same aspect ratio (within the largest ratio) scaled into the pixel and edge bounds and
     * snapped to the multiple. {@code auto} stays {@code auto} where accepted, else becomes {@code fallback}.
     */
    public String nearest(String size, String fallback) {
        if (accepts(size)) {
            return size;
        }
        int[] wh = parse(size);
        String nearest = wh == null ? null : list != null ? nearestInList(wh[0], wh[1]) : fit(wh[0], wh[1]);
        if (nearest != null) {
            return nearest;
        }
        if (accepts(fallback)) {
            return fallback;
        }
        String concrete = firstConcrete();
        return concrete != null ? concrete : fallback;
    }

    private String firstConcrete() {
        for (String s : presets()) {
            if (parse(s) != null && accepts(s)) {
                return s;
            }
        }
        return acceptsAuto() ? AUTO : null;
    }

    private String nearestInList(int w, int h) {
        int orientation = Integer.signum(w - h);
        List<int[]> candidates = new ArrayList<>();
        for (String s : list) {
            int[] c = parse(s);
            if (c != null) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            return AUTO;
        }
        List<int[]> sameOrientation = candidates.stream().filter(c -> Integer.signum(c[0] - c[1]) == orientation).toList();
        List<int[]> pool = sameOrientation.isEmpty() ? candidates : sameOrientation;
        double aspect = Math.log((double) w / h);
        double pixels = Math.log((double) w * h);
        int[] best = pool.stream().min(Comparator
                .<int[]>comparingDouble(c -> Math.abs(Math.log((double) c[0] / c[1]) - aspect))
                .thenComparingDouble(c -> Math.abs(Math.log((double) c[0] * c[1]) - pixels))).orElseThrow();
        return best[0] + "x" + best[1];
    }

    /**
     * The requested shape, clamped into the rule: the aspect ratio within the largest one, the pixels within their
     * range, the edges within theirs, snapped to the multiple; then the accepted size nearest to that (same orientation
     * first) among the neighbouring multiples. Null when none of them fits.
     */
    private String fit(int w, int h) {
        double aspect = (double) w / h;
        if (maxAspectRatio > 0) {
            aspect = Math.max(1 / maxAspectRatio, Math.min(maxAspectRatio, aspect));
        }
        double pixels = (double) w * h;
        if (minPixels > 0) {
            pixels = Math.max(pixels, minPixels);
        }
        if (maxPixels > 0) {
            pixels = Math.min(pixels, maxPixels);
        }
        double width = Math.sqrt(pixels * aspect);
        double height = Math.sqrt(pixels / aspect);
        int step = Math.max(1, multipleOf);
        int low = Math.max(step, minEdge);
        int high = Math.min(MAX_SIDE, maxEdge > 0 ? maxEdge : MAX_SIDE);
        int cw = Math.max(low, Math.min(high, (int) Math.round(width / step) * step));
        int ch = Math.max(low, Math.min(high, (int) Math.round(height / step) * step));
        int orientation = Integer.signum(w - h);
        double targetAspect = Math.log(aspect);
        double targetPixels = Math.log(pixels);
        String best = null;
        double bestScore = Double.MAX_VALUE;
        for (int i = -SEARCH; i <= SEARCH; i++) {
            for (int j = -SEARCH; j <= SEARCH; j++) {
                long fw = cw + (long) i * step;
                long fh = ch + (long) j * step;
                if (fw < 1 || fh < 1 || fw > MAX_SIDE || fh > MAX_SIDE || !fits((int) fw, (int) fh)) {
                    continue;
                }
                double score = Math.abs(Math.log((double) fw / fh) - targetAspect) + 0.5 * Math.abs(Math.log((double) fw * fh) - targetPixels)
                        + (Long.signum(fw - fh) == orientation ? 0 : 10);
                if (score < bestScore) {
                    bestScore = score;
                    best = fw + "x" + fh;
                }
            }
        }
        return best;
    }

    private boolean fits(int w, int h) {
        if (multipleOf > 0 && (w % multipleOf != 0 || h % multipleOf != 0)) {
            return false;
        }
        if (maxEdge > 0 && Math.max(w, h) > maxEdge) {
            return false;
        }
        if (minEdge > 0 && Math.min(w, h) < minEdge) {
            return false;
        }
        if (maxAspectRatio > 0 && ratio(w, h) > maxAspectRatio + 1e-9) {
            return false;
        }
        long pixels = (long) w * h;
        return (minPixels <= 0 || pixels >= minPixels) && (maxPixels <= 0 || pixels <= maxPixels);
    }

    private static double ratio(int w, int h) {
        return (double) Math.max(w, h) / Math.min(w, h);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
