package org.score4j.model.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;

/**
 * A reproducible train/test split shared by the data plugins (keys {@code split}, {@code test_fraction},
 * {@code split_seed}): the rows are permuted with a {@link SplittableRandom} seeded with {@code split_seed}
 * (Fisher–Yates), the first ⌈test_fraction·n⌉ of the permutation form the test part and the rest the train
 * part; each part keeps the file's order. {@code all} takes every row. Stateless.
 */
final class Split {
    private Split() {}

    /** The keys, in display order. */
    static void addKeys(java.util.Map<String, ConfigKey> keys) {
        keys.put("split", ConfigKey.ofChoice("split", "all", List.of("all", "train", "test"),
                "which rows to use: all, or the train or test part of a seeded split"));
        keys.put("test_fraction", new ConfigKey("test_fraction", org.score4j.api.plugin.ConfigType.DOUBLE, "0.1", 0,
                true, 1, null, "fraction of the rows in the test part (split=train|test); in (0, 1)"));
        keys.put("split_seed", ConfigKey.ofInt("split_seed", 0, 0, Integer.MAX_VALUE, "seed of the split's permutation"));
    }

    /** The rows of {@code n} that {@code config} selects, increasing. */
    static int[] rows(int n, PluginConfig config, String owner) {
        String split = config.getString("split");
        if (split.equals("all")) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        double f = config.getDouble("test_fraction");
        if (f >= 1) {
            throw new ConfigException("invalid value '" + f + "' for data.test_fraction; expected a number in (0, 1)");
        }
        int test = (int) Math.ceil(f * n);
        if (test <= 0 || test >= n) {
            throw new ConfigException(owner + " has " + n + " rows: test_fraction " + f + " leaves an empty "
                    + (test <= 0 ? "test" : "train") + " part; use split=all or another test_fraction");
        }
        int[] perm = new int[n];
        Arrays.setAll(perm, i -> i);
        SplittableRandom r = new SplittableRandom(config.getInt("split_seed"));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        int[] part = split.equals("test") ? Arrays.copyOfRange(perm, 0, test) : Arrays.copyOfRange(perm, test, n);
        Arrays.sort(part);
        return part;
    }
}
