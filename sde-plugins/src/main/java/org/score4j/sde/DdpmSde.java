package org.score4j.sde;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ConfigType;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.SdeFactory;
import org.score4j.api.sde.DiscreteSde;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Transition;

/**
 * The discrete DDPM forward process, Ho et al. 2020 ("Denoising Diffusion Probabilistic Models", eq. 2 and 4):
 * q(x_i | x_{i−1}) = N(√(1 − β_i)·x_{i−1}, β_i·I) for timesteps i = 0 … N−1, so that x_i = √ᾱ_i·x_0 +
 * √(1 − ᾱ_i)·z with ᾱ_i = ∏_{j≤i}(1 − β_j), embedded in continuous time.
 *
 * <p><b>Noise schedules</b> (key {@code schedule}), as diffusers defines them:
 * <ul>
 *   <li>{@code linear} (Ho et al. 2020, §4): β_i = beta_start + i·(beta_end − beta_start)/(N − 1), defaults
 *       1e-4 and 0.02 (with N = 1000, ᾱ_999 = 4.0358297654e-5);</li>
 *   <li>{@code cosine} (Nichol &amp; Dhariwal 2021, eq. 17): β_i = min(1 − ᾱ(t_{i+1})/ᾱ(t_i), 0.999) with
 *       ᾱ(t) = cos²((t + 0.008)/1.008 · π/2) and t_i = i/N (diffusers' {@code squaredcos_cap_v2}).</li>
 * </ul>
 *
 * <p><b>Time.</b> Timestep i is the time t = (i + 1)/N, so t0 = 1/N (timestep 0) and tEnd = 1 (timestep
 * N − 1); t = 0 (timestep −1) is the clean data, ᾱ = 1. Between these N + 1 points log ᾱ(t) is interpolated
 * linearly, which makes the marginal m(t) = √ᾱ(t), σ(t) = √(1 − ᾱ(t)) exact at every timestep and
 * m² + σ² = 1 everywhere. On the interval ((i)/N, (i + 1)/N] of timestep i the process is the VP SDE with the
 * constant rate β(t) = −N·log(1 − β_i): drift f(t) = d log m/dt = ½N·log(1 − β_i) and g(t)² = dσ²/dt −
 * 2f(t)σ² = −N·log(1 − β_i) (at a timestep's own time the interval below it is used, the one a reverse step
 * crosses). The kernel between two timesteps is therefore exactly the discrete one (scale √(1 − β_i) and
 * variance β_i between neighbours), so the {@code ancestral} predictor on the N discrete times is Ho et al.'s
 * Algorithm 2, and the continuous samplers integrate the same process. The prior is N(0, I). The helpers
 * {@link #time(int)} and {@link #timestep(double)} convert between times and integer timesteps.
 *
 * <p>Config keys ({@code --sde ddpm}): {@code schedule} (linear | cosine, default linear),
 * {@code num_train_timesteps} (1000), and for the linear schedule only {@code beta_start} (1e-4) and
 * {@code beta_end} (0.02). Immutable and thread-safe.
 */
public final class DdpmSde implements DiscreteSde {
    private static final String NAME = "ddpm";
    /** The offset s of the cosine schedule. */
    static final double COSINE_OFFSET = 0.008;
    /** The largest β of the cosine schedule. */
    static final double COSINE_MAX_BETA = 0.999;
    /** |t·N − k| below this counts as the timestep time k/N (absorbs the rounding of (i + 1)/N). */
    private static final double SNAP = 1e-9;

    /** The noise schedules. */
    public enum Schedule {
        /** Linearly increasing β (Ho et al. 2020). */
        LINEAR,
        /** The cosine schedule of ᾱ (Nichol &amp; Dhariwal 2021). */
        COSINE
    }

    private final Schedule schedule;
    private final int n;
    private final double betaStart;
    private final double betaEnd;
    private final double[] betas;
    /** log(1 − β_i), i = 0 … N−1. */
    private final double[] logAlpha;
    /** log ᾱ at t = k/N, k = 0 … N: index 0 is the clean data (0), index i + 1 is timestep i. */
    private final double[] logAlphaBar;

    private DdpmSde(Schedule schedule, int n, double betaStart, double betaEnd, double[] betas) {
        this.schedule = schedule;
        this.n = n;
        this.betaStart = betaStart;
        this.betaEnd = betaEnd;
        this.betas = betas;
        this.logAlpha = new double[n];
        this.logAlphaBar = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double b = betas[i];
            if (!(b > 0 && b < 1)) {
                throw new ConfigException("sde ddpm: every beta must lie in (0, 1), got beta_" + i + " = " + b);
            }
            logAlpha[i] = Math.log1p(-b);
            logAlphaBar[i + 1] = logAlphaBar[i] + logAlpha[i];
        }
        if (!(logAlphaBar[n] > Math.log(Double.MIN_NORMAL))) {
            throw new ConfigException("sde ddpm: alpha_cumprod at the last timestep underflows (log = "
                    + logAlphaBar[n] + "); lower beta_end or num_train_timesteps");
        }
    }

    /** The linear schedule of Ho et al. 2020: N = 1000, β from 1e-4 to 0.02. */
    public static DdpmSde defaults() {
        return linear(1000, 1e-4, 0.02);
    }

    /**
     * The linear schedule β_i = betaStart + i·(betaEnd − betaStart)/(N − 1) (numpy's {@code linspace}).
     *
     * @param n the number of timesteps N, at least 2
     * @param betaStart β_0, in (0, 1)
     * @param betaEnd β_{N−1}, in (0, 1)
     */
    public static DdpmSde linear(int n, double betaStart, double betaEnd) {
        checkN(n);
        for (double[] b : new double[][] {{betaStart}, {betaEnd}}) {
            if (!(b[0] > 0 && b[0] < 1)) {
                throw new ConfigException("sde ddpm: beta_start and beta_end must lie in (0, 1), got " + betaStart
                        + " and " + betaEnd);
            }
        }
        double[] betas = new double[n];
        double step = (betaEnd - betaStart) / (n - 1);
        for (int i = 0; i < n; i++) {
            betas[i] = betaStart + i * step;
        }
        betas[n - 1] = betaEnd;
        return new DdpmSde(Schedule.LINEAR, n, betaStart, betaEnd, betas);
    }

    /**
     * The cosine schedule β_i = min(1 − ᾱ((i + 1)/N)/ᾱ(i/N), 0.999), ᾱ(t) = cos²((t + 0.008)/1.008 · π/2).
     *
     * @param n the number of timesteps N, at least 2
     */
    public static DdpmSde cosine(int n) {
        checkN(n);
        double[] betas = new double[n];
        for (int i = 0; i < n; i++) {
            double ratio = cosineAlphaBar((i + 1) / (double) n) / cosineAlphaBar(i / (double) n);
            betas[i] = Math.min(1 - ratio, COSINE_MAX_BETA);
        }
        return new DdpmSde(Schedule.COSINE, n, Double.NaN, Double.NaN, betas);
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + COSINE_OFFSET) / (1 + COSINE_OFFSET) * Math.PI / 2);
        return c * c;
    }

    private static void checkN(int n) {
        if (n < 2) {
            throw new ConfigException("sde ddpm: num_train_timesteps must be at least 2, got " + n);
        }
    }

    /** The noise schedule. */
    public Schedule schedule() {
        return schedule;
    }

    /** β_i of timestep {@code timestep} in [0, N−1]. */
    public double beta(int timestep) {
        checkTimestep(timestep, 0);
        return betas[timestep];
    }

    /** ᾱ_i = ∏_{j≤i}(1 − β_j) of timestep {@code timestep} in [−1, N−1] (1 for −1, the clean data). */
    public double alphaCumprod(int timestep) {
        checkTimestep(timestep, -1);
        return Math.exp(logAlphaBar[timestep + 1]);
    }

    private void checkTimestep(int timestep, int lowest) {
        if (timestep < lowest || timestep >= n) {
            throw new IllegalArgumentException(
                    "timestep " + timestep + " outside [" + lowest + ", " + (n - 1) + "] of " + this);
        }
    }

    @Override
    public int numTimesteps() {
        return n;
    }

    /** t = (timestep + 1)/N; timestep −1 (the clean data) is t = 0. */
    @Override
    public double time(int timestep) {
        checkTimestep(timestep, -1);
        return (timestep + 1) / (double) n;
    }

    /** The nearest timestep, round(t·N) − 1, clamped to [0, N−1]. */
    @Override
    public int timestep(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("time " + t + " outside [0, 1] of " + this);
        }
        long k = Math.round(t * n) - 1;
        return (int) Math.max(0, Math.min(n - 1, k));
    }

    @Override
    public double t0() {
        return 1.0 / n;
    }

    @Override
    public double tEnd() {
        return 1;
    }

    /** t·N, snapped to the nearest integer when within {@link #SNAP} of it; checks 0 ≤ t ≤ 1. */
    private double position(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("time " + t + " outside [0, 1] of " + this);
        }
        double u = t * n;
        double k = Math.rint(u);
        return Math.abs(u - k) <= SNAP ? k : u;
    }

    /** log ᾱ(t), linear in t between the points k/N. */
    private double logAlphaBar(double t) {
        double u = position(t);
        int k = (int) Math.floor(u);
        if (k >= n) {
            return logAlphaBar[n];
        }
        double w = u - k;
        return w == 0 ? logAlphaBar[k] : (1 - w) * logAlphaBar[k] + w * logAlphaBar[k + 1];
    }

    /** log(1 − β) of the timestep whose interval ((i)/N, (i + 1)/N] holds t (timestep 0 for t = 0). */
    private double segmentLogAlpha(double t) {
        double u = position(t);
        int i = (int) Math.ceil(u) - 1;
        return logAlpha[Math.max(0, Math.min(n - 1, i))];
    }

    /** ½N·log(1 − β_i) on the interval of timestep i. */
    @Override
    public double driftCoefficient(double t) {
        return 0.5 * n * segmentLogAlpha(t);
    }

    /** √(−N·log(1 − β_i)) on the interval of timestep i. */
    @Override
    public double diffusion(double t) {
        return Math.sqrt(-n * segmentLogAlpha(t));
    }

    /** m(t) = √ᾱ(t) and σ(t) = √(1 − ᾱ(t)), computed as √(−expm1(log ᾱ)). */
    @Override
    public Marginal marginal(double t) {
        double l = logAlphaBar(t);
        return new Marginal(Math.exp(0.5 * l), Math.sqrt(-Math.expm1(l)));
    }

    @Override
    public double priorStd() {
        return 1;
    }

    /**
     * Scale √(ᾱ(t)/ᾱ(s)) and variance 1 − ᾱ(t)/ᾱ(s), from the difference of log ᾱ with expm1: between
     * neighbouring timesteps exactly √(1 − β_i) and β_i.
     */
    @Override
    public Transition transition(double s, double t) {
        if (!(s < t)) {
            throw new IllegalArgumentException("transition needs s < t, got s=" + s + ", t=" + t);
        }
        double d = logAlphaBarChange(s, t);
        return new Transition(Math.exp(0.5 * d), -Math.expm1(d));
    }

    /**
     * log ᾱ(t) − log ᾱ(s) for s &lt; t, summed over the intervals between s and t rather than subtracted, so
     * that it keeps its relative precision when t − s is small.
     */
    private double logAlphaBarChange(double s, double t) {
        double us = position(s);
        double ut = position(t);
        int below = Math.min((int) Math.floor(us), n - 1);
        int above = Math.max((int) Math.ceil(ut) - 1, 0);
        if (below >= above) {
            boolean snapped = us != s * n || ut != t * n;
            return logAlpha[below] * (snapped ? ut - us : (t - s) * n);
        }
        double whole;
        if (above - below <= 64) {
            whole = 0;
            for (int j = below + 1; j < above; j++) {
                whole += logAlpha[j];
            }
        } else {
            whole = logAlphaBar[above] - logAlphaBar[below + 1];
        }
        return logAlpha[below] * (below + 1 - us) + whole + logAlpha[above] * (ut - above);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DdpmSde d && d.schedule == schedule && d.n == n
                && Double.compare(d.betaStart, betaStart) == 0 && Double.compare(d.betaEnd, betaEnd) == 0;
    }

    @Override
    public int hashCode() {
        return ((schedule.hashCode() * 31 + n) * 31 + Double.hashCode(betaStart)) * 31 + Double.hashCode(betaEnd);
    }

    @Override
    public String toString() {
        String name = schedule.name().toLowerCase(Locale.ROOT);
        return schedule == Schedule.LINEAR
                ? "ddpm(" + name + ", N=" + n + ", beta " + betaStart + ".." + betaEnd + ")"
                : "ddpm(" + name + ", N=" + n + ")";
    }

    /** The {@code ddpm} plugin. */
    public static final class Factory implements SdeFactory {
        private static final Map<String, ConfigKey> KEYS;

        static {
            Map<String, ConfigKey> m = new LinkedHashMap<>();
            m.put("schedule", ConfigKey.ofChoice("schedule", "linear", List.of("linear", "cosine"),
                    "noise schedule: linear beta (Ho et al.) or cosine alpha-bar (Nichol & Dhariwal)"));
            m.put("num_train_timesteps", ConfigKey.ofInt("num_train_timesteps", 1000, 2, 10_000_000,
                    "N, the number of discrete timesteps"));
            m.put("beta_start", new ConfigKey("beta_start", ConfigType.DOUBLE, null, 0, true, 1, List.of(),
                    "beta of the first timestep, linear schedule only (default 1e-4)"));
            m.put("beta_end", new ConfigKey("beta_end", ConfigType.DOUBLE, null, 0, true, 1, List.of(),
                    "beta of the last timestep, linear schedule only (default 0.02)"));
            KEYS = java.util.Collections.unmodifiableMap(m);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "discrete DDPM process (Ho et al. 2020), timestep i at t = (i+1)/N, linear or cosine schedule";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public DdpmSde create(PluginConfig config) {
            int n = config.getInt("num_train_timesteps");
            Optional<String> start = config.find("beta_start");
            Optional<String> end = config.find("beta_end");
            if (config.getString("schedule").equals("cosine")) {
                if (start.isPresent() || end.isPresent()) {
                    throw new ConfigException("sde ddpm: " + (start.isPresent() ? "beta_start" : "beta_end")
                            + " applies to schedule=linear only");
                }
                return cosine(n);
            }
            return linear(n, start.map(Double::parseDouble).orElse(1e-4),
                    end.map(Double::parseDouble).orElse(0.02));
        }
    }
}
