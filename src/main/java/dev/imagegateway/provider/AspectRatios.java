package dev.imagegateway.provider;

import java.util.List;

import dev.imagegateway.models.SizeRules;

/**
 * OpenAI's {@code WIDTHxHEIGHT} as a provider's aspect ratio: the one of its list nearest in shape (compared on a log
 * scale, so 2:1 and 1:2 are as far from 1:1), for providers that take a ratio rather than pixels.
 */
public final class AspectRatios {

    private AspectRatios() {
    }

    /** The ratio of {@code allowed} ("16:9"...) nearest to {@code size}; null for auto or no size. */
    public static String nearest(String size, List<String> allowed) {
        int[] wh = SizeRules.parse(size);
        if (wh == null) {
            return null;
        }
        double wanted = Math.log((double) wh[0] / wh[1]);
        String best = null;
        double bestDistance = Double.MAX_VALUE;
        for (String ratio : allowed) {
            String[] parts = ratio.split(":");
            double distance = Math.abs(Math.log(Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])) - wanted);
            if (distance < bestDistance) {
                best = ratio;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** The longer edge of {@code size}, or 0 for auto. */
    public static int longEdge(String size) {
        int[] wh = SizeRules.parse(size);
        return wh == null ? 0 : Math.max(wh[0], wh[1]);
    }
}
