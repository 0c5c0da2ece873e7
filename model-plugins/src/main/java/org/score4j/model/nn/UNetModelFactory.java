package org.score4j.model.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Parameterization;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;

/**
 * The {@code unet} model: a DDPM++-style U-Net score network for images of shape (C, H, W) (see
 * {@link UNetNetwork}), trained by denoising score matching with {@code score4j train} (Song et al. 2021,
 * eq. 7; Ho et al. 2020).
 *
 * <p>Config keys:
 * <ul>
 *   <li>{@code channels} ({@code 1,28,28}): the image shape C,H,W, C 1 or 3; H and W must be divisible by
 *       2^(levels − 1);</li>
 *   <li>{@code base_channels} (32), {@code channel_mult} ({@code 1,2,2}): the channels of each level, base·mult;
 *       every level but the last halves the resolution;</li>
 *   <li>{@code num_res_blocks} (1): residual blocks per level (one more on the way up);</li>
 *   <li>{@code attention_resolutions} ({@code 7}; empty for none): self-attention at the levels whose feature
 *       map's smaller side is one of these (and in the middle when the lowest level's is);</li>
 *   <li>{@code groups} (8): GroupNorm groups, dividing every level's channels;</li>
 *   <li>{@code dropout} (0): dropout rate in the residual blocks (training only);</li>
 *   <li>{@code downsample} ({@code conv} | {@code avgpool}): a stride-2 3×3 convolution or 2×2 average
 *       pooling;</li>
 *   <li>{@code embedding} ({@code sinusoidal} | {@code fourier}), {@code embedding_dim} (32, even),
 *       {@code fourier_scale} (4): the time embedding before its two-layer SiLU MLP of width 4·base;</li>
 *   <li>{@code parameterization} ({@code epsilon} | {@code score} | {@code x0}): what the network predicts,
 *       converted to a score by {@link org.score4j.api.model.Parameterization};</li>
 *   <li>{@code num_classes} (0): K &gt; 0 makes the network class-conditional: a learned table of K + 1 rows,
 *       row K the null (unconditional) label, added to the time embedding; a checkpoint trained without label
 *       dropout ({@code --cond-dropout 0}) has no unconditional score, and unconditional rows are refused;</li>
 *   <li>{@code checkpoint} (path, optional): a checkpoint folder of {@code score4j train} whose averaged
 *       weights the model loads. Its manifest must record this plugin with the same settings.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class UNetModelFactory extends NetworkModelFactory {
    /** The plugin name. */
    public static final String NAME = "unet";

    private static final Map<String, ConfigKey> KEYS;

    static {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("channels", ConfigKey.ofString("channels", "1,28,28",
                "image shape C,H,W (C 1 or 3; H and W divisible by 2^(levels-1))"));
        k.put("base_channels", ConfigKey.ofInt("base_channels", 32, 1, 1024, "channels of the first level"));
        k.put("channel_mult", ConfigKey.ofString("channel_mult", "1,2,2",
                "channel multiplier of each level (1 to 8 levels, each 1..16); each level but the last halves H, W"));
        k.put("num_res_blocks", ConfigKey.ofInt("num_res_blocks", 1, 1, 8,
                "residual blocks per level (one more on the way up)"));
        k.put("attention_resolutions", ConfigKey.ofString("attention_resolutions", "7",
                "comma-separated resolutions (a level's smaller side) with self-attention; empty for none"));
        k.put("groups", ConfigKey.ofInt("groups", 8, 1, 1024, "GroupNorm groups; must divide every level's channels"));
        k.put("dropout", ConfigKey.ofDouble("dropout", 0, 0, 0.9, "dropout rate in the residual blocks (training)"));
        k.put("downsample", ConfigKey.ofChoice("downsample", "conv", List.of("conv", "avgpool"),
                "down-sampling: a stride-2 3x3 convolution, or 2x2 average pooling"));
        putEmbeddingKeys(k, "sinusoidal", 32);
        putParameterizationKey(k);
        k.put("num_classes", ConfigKey.ofInt("num_classes", 0, 0, 1 << 16,
                "classes K of a class-conditional network (label K = unconditional); 0: unconditional"));
        putCheckpointKey(k);
        KEYS = Collections.unmodifiableMap(k);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "U-Net score network for images (C,H,W) (train with score4j train, sample with --checkpoint)";
    }

    @Override
    public Map<String, ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    Builder prepare(PluginConfig config) {
        UNetArchitecture arch = architecture(config);
        double fourierScale = config.getDouble("fourier_scale");
        Parameterization parameterization = parameterization(config);
        return nullLabelTrained -> new UNetScoreModel(arch, fourierScale, parameterization, nullLabelTrained);
    }

    /** The layout the settings describe, or a one-line {@link ConfigException} naming the offending key. */
    static UNetArchitecture architecture(PluginConfig config) {
        List<Integer> shape = ints(config, "channels", "C,H,W, e.g. 1,28,28", 1, 1 << 14);
        if (shape.size() != 3 || (shape.get(0) != 1 && shape.get(0) != 3)) {
            throw new ConfigException("invalid value '" + config.getString("channels") + "' for model.channels; "
                    + "expected C,H,W with C 1 or 3 (grey or RGB), e.g. 1,28,28");
        }
        List<Integer> mult = ints(config, "channel_mult", "1 to 8 comma-separated integers in [1, 16], e.g. 1,2,2",
                1, 16);
        if (mult.isEmpty() || mult.size() > 8) {
            throw new ConfigException("invalid value '" + config.getString("channel_mult") + "' for "
                    + "model.channel_mult; expected 1 to 8 comma-separated integers in [1, 16], e.g. 1,2,2");
        }
        int c = shape.get(0);
        int h = shape.get(1);
        int w = shape.get(2);
        int factor = UNetArchitecture.downFactor(mult.size());
        if (h % factor != 0 || w % factor != 0) {
            throw new ConfigException("model.channels " + c + "," + h + "," + w + ": H and W must be divisible by "
                    + factor + " (channel_mult has " + mult.size() + " levels, each but the last halving the size); "
                    + "pad the images or use fewer levels");
        }
        int base = config.getInt("base_channels");
        int groups = config.getInt("groups");
        for (int ch : UNetArchitecture.levelChannels(base, mult)) {
            if (ch % groups != 0) {
                throw new ConfigException("model.groups=" + groups + " does not divide " + ch + " channels (levels "
                        + "have " + UNetArchitecture.levelChannels(base, mult) + " channels: base_channels × "
                        + "channel_mult); choose groups dividing every level's channels");
            }
        }
        List<Integer> resolutions = UNetArchitecture.resolutions(h, w, mult.size());
        Set<Integer> attention = new LinkedHashSet<>(ints(config, "attention_resolutions",
                "comma-separated resolutions among " + resolutions + ", or empty for none", 1, 1 << 14));
        for (int r : attention) {
            if (!resolutions.contains(r)) {
                throw new ConfigException("model.attention_resolutions: " + r + " is not the resolution of a level; "
                        + "the levels of " + h + "x" + w + " have resolutions " + resolutions + " (the smaller "
                        + "side), or leave it empty for none");
            }
        }
        return new UNetArchitecture(c, h, w, base, mult, config.getInt("num_res_blocks"), attention, groups,
                config.getDouble("dropout"), config.getString("downsample").equals("avgpool"), embedding(config),
                config.getInt("embedding_dim"), config.getInt("num_classes"));
    }

    /** A comma-separated list of integers in [min, max]; empty text gives an empty list. */
    private static List<Integer> ints(PluginConfig config, String key, String expected, int min, int max) {
        String text = config.getString(key);
        List<Integer> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",", -1)) {
            int v;
            try {
                v = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("invalid value '" + text + "' for model." + key + "; expected " + expected);
            }
            if (v < min || v > max) {
                throw new ConfigException("invalid value '" + text + "' for model." + key + "; expected " + expected);
            }
            out.add(v);
        }
        return out;
    }
}
