package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Locale;
import org.score4j.api.ConfigException;
import org.score4j.api.sde.DiscreteSde;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;

/**
 * DDIM, Song, Meng &amp; Ermon 2021 ("Denoising Diffusion Implicit Models"), eq. 12, as diffusers'
 * {@code DDIMScheduler} implements it, on the discrete timesteps of a {@link DiscreteSde} (the {@code ddpm}
 * SDE).
 *
 * <p><b>Update.</b> From timestep i to the previous timestep p, with ᾱ from the SDE and ε̂ = −σ_i·s(x, t_i)
 * (the score at the timestep's time, so a network wrapped with
 * {@link org.score4j.api.model.EpsilonModel#score} gets its own output back):
 * x̂_0 = (x − √(1 − ᾱ_i)·ε̂)/√ᾱ_i, clipped to [−clip_sample_range, clip_sample_range] when {@code clip_sample};
 * σ_η = eta·√((1 − ᾱ_p)/(1 − ᾱ_i)·(1 − ᾱ_i/ᾱ_p)); and
 * x_p = √ᾱ_p·x̂_0 + √(1 − ᾱ_p − σ_η²)·ε̂ + σ_η·z with z from the context's noise source. eta = 0 is the
 * deterministic DDIM (a first-order discretization of the probability-flow ODE), eta = 1 the DDPM posterior
 * variance. As in diffusers, the direction term uses the unclipped ε̂. One score evaluation per step; one
 * normal draw per step when σ_η &gt; 0.
 *
 * <p><b>Timesteps.</b> DDIM takes its S = {@code steps} timesteps from the N of the SDE (diffusers'
 * {@code set_timesteps}, key {@code timestep_spacing}), not from the context's time grid, of which it only uses
 * the number of steps:
 * <ul>
 *   <li>{@code leading} (default): i_k = k·⌊N/S⌋, k = S−1 … 0 (900, 800, …, 0 for 10 of 1000);</li>
 *   <li>{@code trailing}: round(N − k·N/S) − 1, k = 0 … S−1 (999, 899, …, 99);</li>
 *   <li>{@code linspace}: round(k·(N − 1)/(S − 1)), k = S−1 … 0 (999, 888, …, 0).</li>
 * </ul>
 * The previous timestep of i_k is the next one of the sequence, and after the last one ᾱ_p = 1 with
 * {@code set_alpha_to_one} (the result is x̂_0, the clean data at t = 0) or ᾱ_p = ᾱ_0 otherwise (the result
 * is at t0). diffusers takes p = i − ⌊N/S⌋ instead, which is the same for {@code leading}, and for
 * {@code trailing} when S divides N; for {@code linspace} and other {@code trailing} step counts it lands on
 * a timestep other than the next one evaluated, and score4j follows the sequence so that each step ends where
 * the next evaluation assumes. Like diffusers, the first step treats the prior sample as being at the first
 * timestep (below N − 1 for {@code leading}).
 *
 * <p><b>SDE.</b> DDIM needs a {@link DiscreteSde}: on any other SDE {@link #plannedSteps} and {@link #start}
 * throw a {@link ConfigException} naming {@code sde} (for a continuous SDE, {@code dpm-solver-pp}, whose
 * first-order step is DDIM's, works on the time grid). It also requires S ≤ N.
 *
 * <p><b>State.</b> {@link SolverState#t()} reports the context's grid time of the step reached (the progress
 * the run loop shows); the sample itself is at timestep {@link State#timestep()}. Keys: {@code eta} (0),
 * {@code timestep_spacing} (leading), {@code set_alpha_to_one} (true), {@code clip_sample} (false),
 * {@code clip_sample_range} (1). Plugin {@code ddim}. Stateless and thread-safe.
 */
public final class DdimSolver implements Solver {

    /** How the S inference timesteps are chosen among the N of the process (diffusers' semantics). */
    public enum Spacing {
        /** k·⌊N/S⌋. */
        LEADING,
        /** round(N − k·N/S) − 1. */
        TRAILING,
        /** round(k·(N − 1)/(S − 1)). */
        LINSPACE
    }

    private final double eta;
    private final Spacing spacing;
    private final boolean alphaToOne;
    private final boolean clip;
    private final double clipRange;

    /**
     * @param eta the stochasticity η ≥ 0 (0: deterministic DDIM, 1: DDPM's posterior variance)
     * @param spacing how the timesteps are chosen
     * @param setAlphaToOne whether the last step goes to ᾱ = 1 (clean data) rather than to ᾱ_0
     * @param clipSample whether x̂_0 is clipped to [−clipRange, clipRange]
     * @param clipRange the bound of the clipping, &gt; 0
     */
    public DdimSolver(double eta, Spacing spacing, boolean setAlphaToOne, boolean clipSample, double clipRange) {
        if (!(eta >= 0) || !Double.isFinite(eta)) {
            throw new ConfigException("solver.eta must be a finite number >= 0, got " + eta);
        }
        if (!(clipRange > 0) || !Double.isFinite(clipRange)) {
            throw new ConfigException("solver.clip_sample_range must be a positive finite number, got " + clipRange);
        }
        this.eta = eta;
        this.spacing = java.util.Objects.requireNonNull(spacing, "spacing");
        this.alphaToOne = setAlphaToOne;
        this.clip = clipSample;
        this.clipRange = clipRange;
    }

    /** Deterministic DDIM with diffusers' defaults: leading spacing, ᾱ = 1 at the end, no clipping. */
    public DdimSolver() {
        this(0, Spacing.LEADING, true, false, 1);
    }

    /** η. */
    public double eta() {
        return eta;
    }

    /** The timestep spacing. */
    public Spacing spacing() {
        return spacing;
    }

    /**
     * The S inference timesteps among N, decreasing, as diffusers' {@code set_timesteps} computes them.
     *
     * @throws ConfigException unless 1 ≤ steps ≤ n
     */
    public static int[] timesteps(Spacing spacing, int steps, int n) {
        if (steps < 1 || steps > n) {
            throw new ConfigException("solver ddim: steps (" + steps + ") must lie in [1, num_train_timesteps = "
                    + n + "] of the ddpm sde");
        }
        int[] ts = new int[steps];
        for (int k = 0; k < steps; k++) {
            switch (spacing) {
                case LEADING:
                    ts[k] = (steps - 1 - k) * (n / steps);
                    break;
                case TRAILING:
                    ts[k] = (int) Math.rint(n - k * ((double) n / steps)) - 1;
                    break;
                case LINSPACE:
                    ts[k] = steps == 1 ? 0 : (int) Math.rint((steps - 1 - k) * ((n - 1.0) / (steps - 1)));
                    break;
                default:
                    throw new AssertionError(spacing);
            }
        }
        return ts;
    }

    /**
     * The state of a DDIM run.
     *
     * @param x the batch
     * @param step the steps taken
     * @param t the context's grid time of {@code step} (progress)
     * @param timestep the timestep x is at: the next one to evaluate, or after the last step 0 (ᾱ_0) or −1
     *     (ᾱ = 1, clean data)
     * @param done whether all steps are taken
     */
    public record State(NDArray x, int step, double t, int timestep, boolean done) implements SolverState {
        @Override
        public NDList arrays() {
            return new NDList(x);
        }
    }

    private static DiscreteSde discrete(Sde sde) {
        if (sde instanceof DiscreteSde d) {
            return d;
        }
        throw new ConfigException("solver ddim needs a discrete-time sde (sde ddpm), got sde " + sde
                + "; for continuous SDEs use solver dpm-solver-pp");
    }

    private int[] timesteps(SamplingContext ctx) {
        return timesteps(spacing, ctx.steps(), discrete(ctx.sde()).numTimesteps());
    }

    @Override
    public int plannedSteps(SamplingContext ctx) {
        return timesteps(ctx).length;
    }

    @Override
    public SolverState start(NDArray x, SamplingContext ctx) {
        return new State(x, 0, ctx.time(0), timesteps(ctx)[0], false);
    }

    @Override
    public SolverState step(SolverState state, SamplingContext ctx) {
        if (!(state instanceof State s)) {
            throw new IllegalArgumentException("ddim solver cannot continue a " + state.getClass().getSimpleName());
        }
        if (s.done()) {
            throw new IllegalStateException("ddim solver already took all its steps");
        }
        DiscreteSde sde = discrete(ctx.sde());
        int[] ts = timesteps(ctx);
        int k = s.step();
        int i = ts[k];
        boolean last = k + 1 == ts.length;
        int p = last ? (alphaToOne ? -1 : 0) : ts[k + 1];
        double ti = sde.time(i);
        Marginal mi = sde.marginal(ti);
        Marginal mp = sde.marginal(sde.time(p));
        double ai = mi.mean();
        double si = mi.std();
        double ap = mp.mean();
        double vp = mp.variance();
        // σ_η² = η²·(1 − ᾱ_p)/(1 − ᾱ_i)·(1 − ᾱ_i/ᾱ_p)
        double r = ai / ap;
        double varEta = eta == 0 ? 0 : eta * eta * vp / mi.variance() * (1 - r * r);
        double direction = Math.sqrt(Math.max(0, vp - varEta));

        NDArray x = s.x();
        NDArray score = ctx.score().score(x, ti, ctx.cond());
        // ε̂ = −σ_i·s and x̂_0 = (x + σ_i²·s)/√ᾱ_i
        NDArray next;
        if (clip) {
            NDArray x0 = Nd.lincomb(1 / ai, x, si * si / ai, score);
            NDArray clipped = x0.clip(-clipRange, clipRange);
            x0.close();
            next = Nd.lincomb(ap, clipped, -direction * si, score);
            clipped.close();
        } else {
            next = Nd.lincomb(ap / ai, x, ap * si * si / ai - direction * si, score);
        }
        Nd.closeUnless(score, x);
        if (varEta > 0) {
            NDArray z = Nd.normalLike(x, ctx.noise());
            NDArray noisy = Nd.axpy(next, Math.sqrt(varEta), z);
            z.close();
            next.close();
            next = noisy;
        }
        double t = ctx.time(k + 1);
        if (last) {
            Nd.requireFinite(next, "solver ddim", t);
        }
        return new State(next, k + 1, t, p, last);
    }

    @Override
    public String toString() {
        return "ddim(eta=" + eta + ", timestep_spacing=" + spacing.name().toLowerCase(Locale.ROOT)
                + ", set_alpha_to_one=" + alphaToOne + ", clip_sample=" + clip
                + (clip ? ", clip_sample_range=" + clipRange : "") + ")";
    }
}
