package org.score4j.model.nn;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layout of a {@link UNetNetwork}: image shape (C, H, W), channels per level, blocks, attention, and
 * the time and class embeddings. Validated on construction (with {@link IllegalArgumentException}s; the
 * {@code unet} factory checks the user's values first and reports them as configuration errors). Immutable.
 *
 * @param channels C, 1 or 3
 * @param height H
 * @param width W
 * @param base the channels of the first level
 * @param mult each level's channel multiplier of {@code base}; every level but the last halves H and W
 * @param resBlocks residual blocks per level on the way down (one more on the way up)
 * @param attention the resolutions (the smaller side of a level's feature map) with self-attention
 * @param groups GroupNorm groups, dividing every channel count
 * @param dropout the dropout rate in the residual blocks, in [0, 1)
 * @param avgPoolDown whether down-sampling averages 2×2 blocks (else a stride-2 3×3 convolution)
 * @param embedding the time embedding's kind
 * @param embeddingDim its (even) size
 * @param numClasses K, the number of classes of a class-conditional network (0: unconditional)
 */
record UNetArchitecture(int channels, int height, int width, int base, List<Integer> mult, int resBlocks,
        Set<Integer> attention, int groups, double dropout, boolean avgPoolDown, TimeEmbedding.Kind embedding,
        int embeddingDim, int numClasses) {

    UNetArchitecture {
        mult = List.copyOf(mult);
        attention = Set.copyOf(new TreeSet<>(attention));
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (mult.isEmpty() || base < 1 || resBlocks < 1 || groups < 1 || numClasses < 0) {
            throw new IllegalArgumentException("invalid U-Net layout");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        int factor = downFactor(mult.size());
        if (height % factor != 0 || width % factor != 0) {
            throw new IllegalArgumentException(height + "x" + width + " is not divisible by " + factor);
        }
        for (int c : levelChannels(base, mult)) {
            if (c % groups != 0) {
                throw new IllegalArgumentException(groups + " groups do not divide " + c + " channels");
            }
        }
        List<Integer> resolutions = resolutions(height, width, mult.size());
        for (int r : attention) {
            if (!resolutions.contains(r)) {
                throw new IllegalArgumentException("attention resolution " + r + " is none of " + resolutions);
            }
        }
        if (embeddingDim < 2 || embeddingDim % 2 != 0) {
            throw new IllegalArgumentException("embedding size must be even, got " + embeddingDim);
        }
    }

    /** 2^(levels − 1): what H and W must be divisible by. */
    static int downFactor(int levels) {
        return 1 << (levels - 1);
    }

    /** The channels of each level. */
    static List<Integer> levelChannels(int base, List<Integer> mult) {
        List<Integer> out = new ArrayList<>();
        for (int m : mult) {
            out.add(base * m);
        }
        return out;
    }

    /** The resolution (smaller side) of each level. */
    static List<Integer> resolutions(int height, int width, int levels) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            out.add(Math.min(height, width) >> i);
        }
        return out;
    }

    /** The number of levels. */
    int levels() {
        return mult.size();
    }

    /** The channels of level {@code i}. */
    int channelsOf(int level) {
        return base * mult.get(level);
    }

    /** Whether level {@code i} has self-attention. */
    boolean attends(int level) {
        return attention.contains(Math.min(height, width) >> level);
    }

    /** The width of the time embedding after its MLP: 4·base, as DDPM's and score_sde's networks. */
    int timeWidth() {
        return 4 * base;
    }

    /** One sample's shape (C, H, W). */
    Shape sampleShape() {
        return new Shape(channels, height, width);
    }

    /** A short description for messages and {@code toString}. */
    String describe() {
        return describe(null);
    }

    /** {@link #describe()} with {@code more} (when not null) as its last item. */
    String describe(String more) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "unet(%dx%dx%d, base %d, mult %s, %d res "
                + "block%s, attention %s, %d groups", channels, height, width, base, join(mult), resBlocks,
                resBlocks == 1 ? "" : "s", attention.isEmpty() ? "none" : join(new ArrayList<>(new TreeSet<>(attention))),
                groups));
        if (dropout > 0) {
            s.append(", dropout ").append(dropout);
        }
        if (avgPoolDown) {
            s.append(", avg-pool down-sampling");
        }
        s.append(", ").append(embedding.word()).append(" embedding ").append(embeddingDim);
        if (numClasses > 0) {
            s.append(", ").append(numClasses).append(" classes");
        }
        if (more != null) {
            s.append(", ").append(more);
        }
        return s.append(')').toString();
    }

    private static String join(List<Integer> v) {
        StringBuilder s = new StringBuilder();
        for (int x : v) {
            s.append(s.length() == 0 ? "" : ",").append(x);
        }
        return s.toString();
    }
}
