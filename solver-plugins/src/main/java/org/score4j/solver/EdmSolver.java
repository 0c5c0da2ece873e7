package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.score4j.api.ConfigException;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;

/**
 * Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models"), Algorithm 1 (Heun
 * sampler of the probability-flow ODE in noise-level space) and, with {@code s_churn} &gt; 0, Algorithm 2 (its
 * stochastic variant), for any SDE through its scaling m(t) and noise level k(t) = σ(t)/m(t).
 *
 * <p><b>Variables.</b> In x̃ = x/m the probability-flow ODE is dx̃/dk = (x̃ − D(x̃; k))/k with the denoiser
 * D = x̂_0 = (x + σ²·s(x, t))/m (Karras et al. eq. 4 with s(t) = m(t)), and its right-hand side is ε̂ =
 * −σ(t)·s(x, t). On the context's grid t_0 &gt; … &gt; t_N (the {@code karras} schedule gives the paper's
 * noise levels, ρ = 7) with k_i = k(t_i), step i is:
 * <ol>
 *   <li>churn: γ_i = min(s_churn/N, √2 − 1) when k_i ∈ [s_tmin, s_tmax], else 0; k̂ = (1 + γ_i)·k_i, at
 *       most k(tEnd) (the noise cannot rise above the SDE's), t̂ its time (by bisection) and
 *       x̂ = m(t̂)·(x_i/m_i + √(k̂² − k_i²)·s_noise·z) with z from the context's noise source;</li>
 *   <li>Euler: x̃' = x̂/m(t̂) + (k_{i+1} − k̂)·ε̂(x̂, t̂);</li>
 *   <li>Heun: x̃_{i+1} = x̂/m(t̂) + (k_{i+1} − k̂)·(ε̂(x̂, t̂) + ε̂(m_{i+1}x̃', t_{i+1}))/2, and
 *       x_{i+1} = m_{i+1}·x̃_{i+1}.</li>
 * </ol>
 *
 * <p><b>Last step.</b> The paper skips the correction of the last step because it ends at σ = 0, where
 * D(x; 0) is undefined. Here the grid ends at t0 &gt; 0, where a correction would be possible; the last step
 * is nevertheless an Euler step, as in the paper, so a run costs 2N − 1 score evaluations (the paper's NFE
 * count) and the method stays second order (one step of local error O(h²)).
 *
 * <p>Keys: {@code s_churn} (0: deterministic), {@code s_tmin} (0), {@code s_tmax} (unset: no bound),
 * {@code s_noise} (1), with the paper's meaning; s_tmin and s_tmax bound the noise level k. The number of
 * normal draws per step is the same for every row. Plugin {@code edm}. Stateless and thread-safe.
 */
public final class EdmSolver implements Solver {
    private static final double MAX_GAMMA = Math.sqrt(2) - 1;

    private final double sChurn;
    private final double sTmin;
    private final double sTmax;
    private final double sNoise;

    /**
     * @param sChurn the total churn S_churn ≥ 0
     * @param sTmin the lowest noise level k that gets churn, ≥ 0
     * @param sTmax the highest noise level k that gets churn, ≥ sTmin ({@code +∞} for no bound)
     * @param sNoise the scale S_noise &gt; 0 of the added noise
     */
    public EdmSolver(double sChurn, double sTmin, double sTmax, double sNoise) {
        if (!(sChurn >= 0) || !Double.isFinite(sChurn)) {
            throw new ConfigException("solver.s_churn must be a finite number >= 0, got " + sChurn);
        }
        if (!(sTmin >= 0) || !Double.isFinite(sTmin)) {
            throw new ConfigException("solver.s_tmin must be a finite number >= 0, got " + sTmin);
        }
        if (!(sTmax >= sTmin)) {
            throw new ConfigException("solver.s_tmax (" + sTmax + ") must be at least solver.s_tmin (" + sTmin + ")");
        }
        if (!(sNoise > 0) || !Double.isFinite(sNoise)) {
            throw new ConfigException("solver.s_noise must be a positive finite number, got " + sNoise);
        }
        this.sChurn = sChurn;
        this.sTmin = sTmin;
        this.sTmax = sTmax;
        this.sNoise = sNoise;
    }

    /** The deterministic sampler (Algorithm 1). */
    public EdmSolver() {
        this(0, 0, Double.POSITIVE_INFINITY, 1);
    }

    /**
     * The state of an EDM run.
     *
     * @param x the batch at time {@code t}
     * @param step the steps taken, which is also the index of {@code t} on the grid
     * @param t the current grid time
     * @param done whether the last grid time has been reached
     */
    public record State(NDArray x, int step, double t, boolean done) implements SolverState {
        @Override
        public NDList arrays() {
            return new NDList(x);
        }
    }

    @Override
    public SolverState start(NDArray x, SamplingContext ctx) {
        return new State(x, 0, ctx.time(0), false);
    }

    /** k(t) = σ(t)/m(t). */
    private static double noiseLevel(Marginal m) {
        return m.std() / m.mean();
    }

    /** γ_i of Algorithm 2 at noise level k on a grid of {@code steps} steps. */
    double gamma(double k, int steps) {
        if (sChurn == 0 || k < sTmin || k > sTmax) {
            return 0;
        }
        return Math.min(sChurn / steps, MAX_GAMMA);
    }

    @Override
    public SolverState step(SolverState state, SamplingContext ctx) {
        if (!(state instanceof State s)) {
            throw new IllegalArgumentException("edm solver cannot continue a " + state.getClass().getSimpleName());
        }
        if (s.done()) {
            throw new IllegalStateException("edm solver already reached the end of the grid");
        }
        Sde sde = ctx.sde();
        int i = s.step();
        double ti = ctx.time(i);
        double tn = ctx.time(i + 1);
        boolean last = i + 1 == ctx.steps();
        Marginal mi = sde.marginal(ti);
        Marginal mn = sde.marginal(tn);
        double ki = noiseLevel(mi);
        double kn = noiseLevel(mn);
        NDArray x = s.x();

        // churn: raise the noise level from k_i to k̂ at time t̂
        double gamma = gamma(ki, ctx.steps());
        double th = ti;
        Marginal mh = mi;
        NDArray xh = x;
        if (gamma > 0) {
            double target = Math.min((1 + gamma) * ki, noiseLevel(sde.marginal(sde.tEnd())));
            if (target > ki) {
                th = timeOfNoiseLevel(sde, target);
                mh = sde.marginal(th);
                double kh = noiseLevel(mh);
                double add = Math.sqrt(Math.max(0, kh * kh - ki * ki)) * sNoise;
                NDArray z = Nd.normalLike(x, ctx.noise());
                xh = Nd.lincomb(mh.mean() / mi.mean(), x, mh.mean() * add, z);
                z.close();
            }
        }
        double kh = noiseLevel(mh);
        double scale = mn.mean() / mh.mean();
        double dk = mn.mean() * (kn - kh); // x = m·x̃: the k-step in x units

        // Euler: x' = (m_n/m̂)·x̂ + m_n(k_n − k̂)·ε̂, ε̂ = −σ̂·s
        NDArray s1 = ctx.score().score(xh, th, ctx.cond());
        NDArray next;
        if (last) {
            next = Nd.lincomb(scale, xh, -dk * mh.std(), s1);
        } else {
            NDArray euler = Nd.lincomb(scale, xh, -dk * mh.std(), s1);
            NDArray s2 = ctx.score().score(euler, tn, ctx.cond());
            euler.close();
            NDArray half = Nd.lincomb(scale, xh, -0.5 * dk * mh.std(), s1);
            next = Nd.axpy(half, -0.5 * dk * mn.std(), s2);
            half.close();
            Nd.closeUnless(s2, next);
        }
        Nd.closeUnless(s1, x, xh);
        Nd.closeUnless(xh, x);
        if (last) {
            Nd.requireFinite(next, "solver edm", tn);
        }
        return new State(next, i + 1, tn, last);
    }

    /** The time in [t0, tEnd] where σ(t)/m(t) equals {@code level}, by bisection (k is increasing in t). */
    static double timeOfNoiseLevel(Sde sde, double level) {
        double lo = sde.t0();
        double hi = sde.tEnd();
        while (true) {
            double mid = 0.5 * (lo + hi);
            if (!(mid > lo && mid < hi)) {
                return hi;
            }
            if (noiseLevel(sde.marginal(mid)) < level) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }

    @Override
    public int plannedSteps(SamplingContext ctx) {
        return ctx.steps();
    }

    @Override
    public String toString() {
        return "edm(s_churn=" + sChurn + ", s_tmin=" + sTmin + ", s_tmax=" + sTmax + ", s_noise=" + sNoise + ")";
    }
}
