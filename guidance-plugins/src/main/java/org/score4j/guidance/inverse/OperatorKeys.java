package org.score4j.guidance.inverse;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ConfigType;
import org.score4j.api.plugin.PluginConfig;

/** Configuration keys shared by the operators of this package. */
final class OperatorKeys {
    /** The largest measurement noise accepted. */
    static final double MAX_NOISE = 1e3;

    /** σ_y, the standard deviation of the measurement noise, shared by every operator. */
    static final ConfigKey NOISE = ConfigKey.ofDouble("noise", 0, 0, MAX_NOISE,
            "standard deviation σ_y of the Gaussian measurement noise y = A x + σ_y ε (0: noise-free)");

    private OperatorKeys() {}

    /** The keys by name, in the given (display) order, followed by {@link #NOISE}. */
    static Map<String, ConfigKey> withNoise(ConfigKey... keys) {
        Map<String, ConfigKey> m = new LinkedHashMap<>();
        for (ConfigKey k : keys) {
            m.put(k.name(), k);
        }
        m.put(NOISE.name(), NOISE);
        return Collections.unmodifiableMap(m);
    }

    /** The relative cutoff of a dense pseudo-inverse. */
    static ConfigKey rcond(double def) {
        return new ConfigKey("rcond", ConfigType.DOUBLE, Double.toString(def), 0, true, 1, List.of(),
                "pseudo-inverse (projection method): singular values below rcond × the largest count as zero");
    }

    /** The default spread κ of the signal along a direction, in model units (data scaled to [−1, 1]). */
    static final double DEFAULT_SIGNAL = 0.5;

    /** κ, the typical spread of the signal along a direction, for the noise cutoff of a pseudo-inverse. */
    static final ConfigKey SIGNAL = ConfigKey.ofDouble("signal", DEFAULT_SIGNAL, 0, 1e6,
            "pseudo-inverse (projection method): singular values s below noise/signal count as zero too — a "
                    + "direction whose measured coordinate has noise σ_y/s above the signal's spread κ carries no "
                    + "information (default 0.5, in the model's units: a quarter of the [−1, 1] range of scaled "
                    + "data; 0: rcond only)");

    /** The absolute cutoff σ_y/κ of a pseudo-inverse (0 when κ = 0). */
    static double floor(double noise, double signal) {
        return signal > 0 ? noise / signal : 0;
    }

    /** An optional double in (min, max) without a default: given only where it applies. */
    static ConfigKey optionalOpen(String name, double min, double max, String help) {
        return new ConfigKey(name, ConfigType.DOUBLE, null, min, true, max, List.of(), help);
    }

    /** An optional integer in [min, max] without a default. */
    static ConfigKey optionalInt(String name, int min, int max, String help) {
        return new ConfigKey(name, ConfigType.INT, null, min, false, max, List.of(), help);
    }

    /** Refuses {@code key} when it was given although it does not apply ({@code why} says when it does). */
    static void rejectUnless(boolean applies, PluginConfig config, String key, String why) {
        if (!applies && config.values().containsKey(key)) {
            throw new ConfigException("operator." + key + " " + why);
        }
    }

    /** A path value of {@code key}. */
    static Path path(String text, String key) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException("invalid value '" + text + "' for operator." + key + "; expected a file path ("
                    + e.getReason() + ")");
        }
    }
}
