package org.score4j.guidance;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ConfigType;
import org.score4j.api.plugin.PluginConfig;

/** Configuration keys and checks shared by the class-guided plugins of this package. */
final class Keys {
    /** The largest guidance scale accepted. */
    static final double MAX_SCALE = 100;

    /**
     * The required {@code class} key: an integer ≥ 0 without a default (the upper bound depends on the model
     * and is checked in {@code wrap}).
     */
    static final ConfigKey CLASS = new ConfigKey("class", ConfigType.INT, null, 0, false, Integer.MAX_VALUE,
            List.of(), "class c to guide towards, in [0, number of classes of the model); required");

    private Keys() {}

    /** The keys by name, in the given (display) order. */
    static Map<String, ConfigKey> ordered(ConfigKey... keys) {
        Map<String, ConfigKey> m = new LinkedHashMap<>();
        for (ConfigKey k : keys) {
            m.put(k.name(), k);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The value of the required {@code class} key; {@link ConfigException} when it was not given. */
    static int requireClass(PluginConfig config, String guidance) {
        Object v = config.values().get(CLASS.name());
        if (v == null) {
            throw new ConfigException("guidance " + guidance + " needs guidance.class, the class to guide towards: "
                    + "an integer in [0, number of classes of the model)");
        }
        return ((Number) v).intValue();
    }

    /** Checks a scale given in code (the factories' keys already bound it). */
    static void checkScale(String guidance, double scale) {
        if (!(scale >= 0 && scale <= MAX_SCALE)) {
            throw new ConfigException("invalid value '" + scale + "' for guidance.scale of guidance " + guidance
                    + "; expected a number in [0, " + (int) MAX_SCALE + "]");
        }
    }

    /** Checks a class given in code. */
    static void checkClass(String guidance, int label) {
        if (label < 0) {
            throw new ConfigException("invalid value '" + label + "' for guidance.class of guidance " + guidance
                    + "; expected an integer >= 0");
        }
    }

    /** Requires a class-conditional model that has class {@code label}. */
    static void checkModel(String guidance, ScoreModel model, int label) {
        int k = model.numClasses();
        if (k <= 0) {
            throw new ConfigException("guidance " + guidance + " needs a class-conditional model; model "
                    + modelName(model) + " has no classes");
        }
        if (label >= k) {
            throw new ConfigException("guidance.class " + label + " of guidance " + guidance
                    + " is not a class of model " + modelName(model) + "; expected an integer in [0, " + (k - 1)
                    + "]");
        }
    }

    /**
     * Requires a model with an unconditional score ({@link ScoreModel#hasUnconditionalScore()}): a
     * class-conditional network whose null label was never trained has none.
     *
     * @param use what needs it, e.g. "guidance cfg at guidance.scale=2.0"
     * @param alternative what works without it, e.g. "use guidance.scale=1 for class-conditional samples"
     */
    static void requireUnconditional(String use, ScoreModel model, String alternative) {
        if (!model.hasUnconditionalScore()) {
            throw new ConfigException(use + " needs the unconditional score, but model " + modelName(model)
                    + " has none: it was trained without label dropout, so its null label was never trained; "
                    + alternative + ", or train the model with label dropout (score4j train --cond-dropout P, "
                    + "P > 0)");
        }
    }

    private static String modelName(ScoreModel model) {
        String n = model.getClass().getSimpleName();
        return n.isEmpty() ? model.getClass().getName() : n;
    }
}
