package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;

/**
 * The Hutchinson–Skilling estimator of the score's divergence, ∇ₓ·s ≈ (1/K) Σ_k ε_kᵀ(∂s/∂x)ε_k with
 * E[εεᵀ] = I (Skilling 1989; Hutchinson 1990), used for the instantaneous change of variables as in FFJORD
 * (Grathwohl et al. 2019) and Song et al. 2021, Appendix D.2.
 *
 * <p>Each row draws its K probes once per trajectory from its own noise stream (Rademacher ±1 or standard
 * normal), and keeps them for the whole integration, so the integrated log-density change is an unbiased
 * estimate of the exact one for a smooth ODE solution, and a row's result does not depend on the batch. Each
 * ODE evaluation costs one forward and one backward pass over K copies of the batch, whatever the dimension.
 * For a symmetric Jacobian J (an exact score's is the Hessian of log p_t) Rademacher probes give the lower
 * variance, 2·Σ_{i≠j} J_ij² per probe against 2·‖J‖_F² for Gaussian probes; for J proportional to I
 * (Gaussian data) Rademacher probes are exact. Immutable and thread-safe.
 */
public final class HutchinsonTrace implements Trace {
    /** The distribution of the probes. */
    public enum Probe {
        /** ±1 with probability ½ each. */
        RADEMACHER,
        /** Standard normal. */
        GAUSSIAN;

        /** The lower-case name users type. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int probes;
    private final Probe probe;
    private final long maxElements;

    /**
     * @param probes K, the probes per row, ≥ 1
     * @param probe their distribution
     */
    public HutchinsonTrace(int probes, Probe probe) {
        this(probes, probe, ExactTrace.DEFAULT_MAX_ELEMENTS);
    }

    /**
     * @param probes K, the probes per row, ≥ 1
     * @param probe their distribution
     * @param maxElements the largest replicated batch (rows × values per row) of one pass; the probes are
     *     taken in chunks that fit (at least one per pass)
     */
    public HutchinsonTrace(int probes, Probe probe, long maxElements) {
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be >= 1, got " + probes);
        }
        if (maxElements < 1) {
            throw new IllegalArgumentException("maxElements must be >= 1, got " + maxElements);
        }
        this.probes = probes;
        this.probe = java.util.Objects.requireNonNull(probe, "probe");
        this.maxElements = maxElements;
    }

    /** K. */
    public int probes() {
        return probes;
    }

    /** The probe distribution. */
    public Probe probe() {
        return probe;
    }

    @Override
    public String name() {
        return "hutchinson";
    }

    /** The probes, float64, shape {@code [K·n, D]}: row k·n + i is probe k of row i. */
    @Override
    public NDArray fixedNoise(Shape sampleShape, NoiseSource noise, NDManager manager) {
        int n = noise.rows();
        long d = sampleShape.size();
        Shape perRow = new Shape(probes, d);
        try (NDArray drawn = probe == Probe.RADEMACHER ? noise.rademacher(perRow, DataType.FLOAT64, manager)
                : noise.normal(perRow, DataType.FLOAT64, manager);
                NDArray swapped = drawn.transpose(1, 0, 2)) {
            return swapped.reshape((long) probes * n, d).duplicate();
        }
    }

    @Override
    public Evaluation evaluate(NDArray x, double[] t, ScoreFunction score, Conditioning cond, NDArray fixedNoise) {
        int n = Rows.count(x);
        int d = Rows.width(x);
        if (fixedNoise == null || fixedNoise.getShape().get(0) != (long) probes * n) {
            throw new IllegalArgumentException("hutchinson trace needs the probes of fixedNoise for " + n + " rows");
        }
        double[] sum = new double[n];
        int chunk = (int) Math.max(1, Math.min(probes, maxElements / Math.max(1L, (long) n * d)));
        NDArray[] s = new NDArray[1];
        for (int k0 = 0; k0 < probes; k0 += chunk) {
            int c = Math.min(chunk, probes - k0);
            double[] forms;
            if (c == probes) {
                forms = JacobianForms.compute(x, t, score, cond, fixedNoise, c, "trace hutchinson", s);
            } else {
                try (NDArray w = fixedNoise.get(new NDIndex((long) k0 * n + ":" + (long) (k0 + c) * n))) {
                    forms = JacobianForms.compute(x, t, score, cond, w, c, "trace hutchinson", k0 == 0 ? s : null);
                }
            }
            for (int b = 0; b < c; b++) {
                for (int i = 0; i < n; i++) {
                    sum[i] += forms[b * n + i];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            sum[i] /= probes;
        }
        return new Evaluation(s[0], sum);
    }

    @Override
    public String toString() {
        return "hutchinson trace (" + probes + " " + probe.word() + " probe" + (probes == 1 ? "" : "s") + ")";
    }
}
