package org.score4j.sde;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;

/** Configuration keys and checks shared by the plugins of this package. */
final class Config {
    /** The terminal time T of every SDE here. */
    static final ConfigKey T_END = ConfigKey.ofPositiveDouble("t_end", 1, Double.POSITIVE_INFINITY,
            "terminal time T, where sampling starts from the prior");
    /** The earliest sampling time (score_sde's eps). */
    static final ConfigKey EPS = ConfigKey.ofPositiveDouble("eps", 1e-3, Double.POSITIVE_INFINITY,
            "earliest time sampling reaches (t0), below t_end");

    private Config() {}

    /** The keys by name, in the given (display) order. */
    static Map<String, ConfigKey> ordered(ConfigKey... keys) {
        Map<String, ConfigKey> m = new LinkedHashMap<>();
        for (ConfigKey k : keys) {
            m.put(k.name(), k);
        }
        return Collections.unmodifiableMap(m);
    }

    /** Requires a finite {@code value > 0}. */
    static void positive(String sde, String key, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new ConfigException("sde " + sde + ": " + key + " must be a positive finite number, got " + value);
        }
    }

    /** Requires {@code 0 < eps < tEnd}, both finite. */
    static void times(String sde, double eps, double tEnd) {
        positive(sde, "eps", eps);
        positive(sde, "t_end", tEnd);
        if (!(eps < tEnd)) {
            throw new ConfigException("sde " + sde + ": eps (" + eps + ") must be less than t_end (" + tEnd + ")");
        }
    }
}
