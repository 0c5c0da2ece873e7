package org.score4j.sde;

import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.SdeFactory;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.sde.Transition;

/**
 * The variance-preserving SDE of DDPM, dx = −½β(t)x dt + √β(t) dw with β(t) = βmin + t(βmax − βmin) (Song et
 * al. 2021, eq. 11 and 33).
 *
 * <p>Marginal: log m(t) = −¼t²(βmax − βmin) − ½tβmin and σ(t) = √(1 − m(t)²), computed as
 * √(−expm1(2 log m)) so that it keeps full relative precision near t = 0. The prior is N(0, I). Immutable and
 * thread-safe.
 *
 * <p>Config keys ({@code --sde vp}): {@code beta_min} (0.1), {@code beta_max} (20), {@code t_end} (1),
 * {@code eps} (1e-3).
 *
 * @param betaMin βmin = β(0), &gt;= 0
 * @param betaMax βmax = β(1), &gt; betaMin
 * @param tEnd the terminal time T (key {@code t_end})
 * @param t0 the earliest sampling time (key {@code eps}), in (0, tEnd)
 */
public record VpSde(double betaMin, double betaMax, double tEnd, double t0) implements Sde {
    private static final String NAME = "vp";

    /** Checks the parameters; throws {@link ConfigException} with a one-line message. */
    public VpSde {
        LinearBeta.check(NAME, betaMin, betaMax, t0, tEnd);
    }

    /** score_sde's defaults: βmin = 0.1, βmax = 20, T = 1, eps = 1e-3. */
    public static VpSde defaults() {
        return new VpSde(0.1, 20, 1, 1e-3);
    }

    private LinearBeta beta() {
        return new LinearBeta(betaMin, betaMax);
    }

    @Override
    public double driftCoefficient(double t) {
        return -0.5 * beta().beta(t);
    }

    @Override
    public double diffusion(double t) {
        return Math.sqrt(beta().beta(t));
    }

    @Override
    public Marginal marginal(double t) {
        double logMean = beta().logMean(t);
        return new Marginal(Math.exp(logMean), Math.sqrt(-Math.expm1(2 * logMean)));
    }

    @Override
    public double priorStd() {
        return 1;
    }

    /**
     * Scale r = m(t)/m(s) and variance 1 − r², with log r computed directly from s and t (not as a difference
     * of logarithms) and the variance as −expm1(2 log r): full relative precision when t − s is small.
     */
    @Override
    public Transition transition(double s, double t) {
        if (!(s < t)) {
            throw new IllegalArgumentException("transition needs s < t, got s=" + s + ", t=" + t);
        }
        double logScale = beta().logMeanChange(s, t);
        return new Transition(Math.exp(logScale), -Math.expm1(2 * logScale));
    }

    /** The {@code vp} plugin. */
    public static final class Factory implements SdeFactory {
        private static final Map<String, ConfigKey> KEYS = LinearBeta.keys();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "variance-preserving SDE (DDPM), linear β(t) from beta_min to beta_max";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public VpSde create(PluginConfig config) {
            return new VpSde(config.getDouble("beta_min"), config.getDouble("beta_max"),
                    config.getDouble("t_end"), config.getDouble("eps"));
        }
    }
}
