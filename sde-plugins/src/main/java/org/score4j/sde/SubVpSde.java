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
 * The sub-VP SDE, dx = −½β(t)x dt + √(β(t)(1 − e^(−2βmin t − (βmax − βmin)t²))) dw (Song et al. 2021,
 * eq. 12 and 34), whose variance stays below the VP SDE's.
 *
 * <p>Same drift and mean coefficient m(t) as {@link VpSde}; σ(t) = 1 − m(t)², computed as −expm1(2 log m),
 * and the diffusion's 1 − m(t)⁴ as −expm1(4 log m). The prior is N(0, I). Immutable and thread-safe.
 *
 * <p>Config keys ({@code --sde subvp}): {@code beta_min} (0.1), {@code beta_max} (20), {@code t_end} (1),
 * {@code eps} (1e-3).
 *
 * @param betaMin βmin = β(0), &gt;= 0
 * @param betaMax βmax = β(1), &gt; betaMin
 * @param tEnd the terminal time T (key {@code t_end})
 * @param t0 the earliest sampling time (key {@code eps}), in (0, tEnd)
 */
public record SubVpSde(double betaMin, double betaMax, double tEnd, double t0) implements Sde {
    private static final String NAME = "subvp";

    /** Checks the parameters; throws {@link ConfigException} with a one-line message. */
    public SubVpSde {
        LinearBeta.check(NAME, betaMin, betaMax, t0, tEnd);
    }

    /** score_sde's defaults: βmin = 0.1, βmax = 20, T = 1, eps = 1e-3. */
    public static SubVpSde defaults() {
        return new SubVpSde(0.1, 20, 1, 1e-3);
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
        LinearBeta b = beta();
        return Math.sqrt(b.beta(t) * -Math.expm1(4 * b.logMean(t)));
    }

    @Override
    public Marginal marginal(double t) {
        double logMean = beta().logMean(t);
        return new Marginal(Math.exp(logMean), -Math.expm1(2 * logMean));
    }

    @Override
    public double priorStd() {
        return 1;
    }

    /**
     * Scale r = m(t)/m(s) and variance σ(t)² − r²σ(s)² = (1 − r²)(1 − m(s)²m(t)²), each factor computed with
     * expm1 and log r directly from s and t: full relative precision when t − s is small.
     */
    @Override
    public Transition transition(double s, double t) {
        if (!(s < t)) {
            throw new IllegalArgumentException("transition needs s < t, got s=" + s + ", t=" + t);
        }
        LinearBeta b = beta();
        double logScale = b.logMeanChange(s, t);
        double variance = -Math.expm1(2 * logScale) * -Math.expm1(2 * (b.logMean(s) + b.logMean(t)));
        return new Transition(Math.exp(logScale), variance);
    }

    /** The {@code subvp} plugin. */
    public static final class Factory implements SdeFactory {
        private static final Map<String, ConfigKey> KEYS = LinearBeta.keys();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "sub-VP SDE, the VP drift with a smaller diffusion (σ(t) = 1 - m(t)²)";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public SubVpSde create(PluginConfig config) {
            return new SubVpSde(config.getDouble("beta_min"), config.getDouble("beta_max"),
                    config.getDouble("t_end"), config.getDouble("eps"));
        }
    }
}
