package org.score4j.sde;

import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;

/**
 * The linear noise rate β(t) = βmin + t(βmax − βmin) of the VP and sub-VP SDEs and their shared mean
 * coefficient log m(t) = −¼t²(βmax − βmin) − ½tβmin (Song et al. 2021, eq. 11 and 33).
 */
record LinearBeta(double betaMin, double betaMax) {
    static final ConfigKey BETA_MIN = ConfigKey.ofDouble("beta_min", 0.1, 0, Double.POSITIVE_INFINITY,
            "noise rate β(0)");
    static final ConfigKey BETA_MAX = ConfigKey.ofPositiveDouble("beta_max", 20, Double.POSITIVE_INFINITY,
            "noise rate β(1), above beta_min");

    /** The keys of an SDE with this rate, in display order. */
    static Map<String, ConfigKey> keys() {
        return Config.ordered(BETA_MIN, BETA_MAX, Config.T_END, Config.EPS);
    }

    /**
     * Checks the parameters of SDE {@code sde}: 0 ≤ βmin &lt; βmax, 0 &lt; eps &lt; t_end, and that m(t_end) and
     * 1 − m(eps)² are representable (so that neither the prior nor the first step divides by zero).
     */
    static void check(String sde, double betaMin, double betaMax, double eps, double tEnd) {
        if (!(betaMin >= 0) || !Double.isFinite(betaMin)) {
            throw new ConfigException("sde " + sde + ": beta_min must be a finite number >= 0, got " + betaMin);
        }
        Config.positive(sde, "beta_max", betaMax);
        if (!(betaMin < betaMax)) {
            throw new ConfigException(
                    "sde " + sde + ": beta_min (" + betaMin + ") must be less than beta_max (" + betaMax + ")");
        }
        Config.times(sde, eps, tEnd);
        LinearBeta b = new LinearBeta(betaMin, betaMax);
        double logMeanEnd = b.logMean(tEnd);
        if (!(logMeanEnd > Math.log(Double.MIN_NORMAL))) {
            throw new ConfigException("sde " + sde + ": m(t_end) = exp(" + logMeanEnd
                    + ") underflows; lower beta_max or t_end");
        }
        if (!(b.logMean(eps) < 0)) {
            throw new ConfigException("sde " + sde + ": the noise at eps (" + eps + ") is 0; raise eps");
        }
    }

    /** β(t). */
    double beta(double t) {
        return betaMin + t * (betaMax - betaMin);
    }

    /** log m(t) = −¼t²(βmax − βmin) − ½tβmin. */
    double logMean(double t) {
        return -t * (0.25 * t * (betaMax - betaMin) + 0.5 * betaMin);
    }

    /** log m(t) − log m(s), without the cancellation of subtracting the two logarithms. */
    double logMeanChange(double s, double t) {
        return -(t - s) * (0.25 * (t + s) * (betaMax - betaMin) + 0.5 * betaMin);
    }
}
