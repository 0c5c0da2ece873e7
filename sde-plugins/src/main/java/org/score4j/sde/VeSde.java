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
 * The variance-exploding SDE of SMLD/NCSN, dx = √(d[σ²(t)]/dt) dw with σ(t) = σmin(σmax/σmin)^t (Song et al.
 * 2021, eq. 9 and 30).
 *
 * <p>Drift f(t) = 0, diffusion g(t) = σ(t)·√(2 ln(σmax/σmin)), marginal m(t) = 1 and std σ(t) (score_sde's
 * convention: σ(0) = σmin, the noise the data is taken to carry already). The prior is N(0, σ(t_end)²·I),
 * that is N(0, σmax²·I) for the default t_end = 1. Immutable and thread-safe.
 *
 * <p>Config keys ({@code --sde ve}): {@code sigma_min} (0.01), {@code sigma_max} (50), {@code t_end} (1),
 * {@code eps} (1e-3).
 *
 * @param sigmaMin σmin = σ(0), &gt; 0
 * @param sigmaMax σmax = σ(1), &gt; sigmaMin
 * @param tEnd the terminal time T (key {@code t_end})
 * @param t0 the earliest sampling time (key {@code eps}), in (0, tEnd)
 */
public record VeSde(double sigmaMin, double sigmaMax, double tEnd, double t0) implements Sde {
    private static final String NAME = "ve";

    /** Checks the parameters; throws {@link ConfigException} with a one-line message. */
    public VeSde {
        Config.positive(NAME, "sigma_min", sigmaMin);
        Config.positive(NAME, "sigma_max", sigmaMax);
        if (!(sigmaMin < sigmaMax)) {
            throw new ConfigException(
                    "sde ve: sigma_min (" + sigmaMin + ") must be less than sigma_max (" + sigmaMax + ")");
        }
        Config.times(NAME, t0, tEnd);
        double ratio = sigmaMax / sigmaMin;
        if (!Double.isFinite(ratio) || !Double.isFinite(sigmaMax * Math.pow(ratio, tEnd - 1) * Math.log(ratio))) {
            throw new ConfigException("sde ve: σ(t_end) or g(t_end) overflows; lower sigma_max or t_end");
        }
    }

    /** score_sde's defaults: σmin = 0.01, σmax = 50, T = 1, eps = 1e-3. */
    public static VeSde defaults() {
        return new VeSde(0.01, 50, 1, 1e-3);
    }

    /** σ(t) = σmin(σmax/σmin)^t. */
    public double sigma(double t) {
        return sigmaMin * Math.pow(sigmaMax / sigmaMin, t);
    }

    private double logRatio() {
        return Math.log(sigmaMax / sigmaMin);
    }

    @Override
    public double driftCoefficient(double t) {
        return 0;
    }

    @Override
    public double diffusion(double t) {
        return sigma(t) * Math.sqrt(2 * logRatio());
    }

    @Override
    public Marginal marginal(double t) {
        return new Marginal(1, sigma(t));
    }

    /** σ(t_end) = σmax(σmax/σmin)^(t_end − 1): exactly σmax for t_end = 1. */
    @Override
    public double priorStd() {
        return sigmaMax * Math.pow(sigmaMax / sigmaMin, tEnd - 1);
    }

    /**
     * Scale 1 and variance σ(t)² − σ(s)², computed as σ(s)²·expm1(2(t − s) ln(σmax/σmin)) so that it keeps
     * full relative precision when t − s is small.
     */
    @Override
    public Transition transition(double s, double t) {
        if (!(s < t)) {
            throw new IllegalArgumentException("transition needs s < t, got s=" + s + ", t=" + t);
        }
        double ss = sigma(s);
        return new Transition(1, ss * ss * Math.expm1(2 * (t - s) * logRatio()));
    }

    /** The {@code ve} plugin. */
    public static final class Factory implements SdeFactory {
        private static final Map<String, ConfigKey> KEYS = Config.ordered(
                ConfigKey.ofPositiveDouble("sigma_min", 0.01, Double.POSITIVE_INFINITY, "noise level σ(0)"),
                ConfigKey.ofPositiveDouble("sigma_max", 50, Double.POSITIVE_INFINITY,
                        "noise level σ(1), above sigma_min"),
                Config.T_END, Config.EPS);

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "variance-exploding SDE (SMLD/NCSN), σ(t) = σmin(σmax/σmin)^t";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public VeSde create(PluginConfig config) {
            return new VeSde(config.getDouble("sigma_min"), config.getDouble("sigma_max"),
                    config.getDouble("t_end"), config.getDouble("eps"));
        }
    }
}
