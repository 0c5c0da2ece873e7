package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;

/**
 * The exact divergence ∇ₓ·s = Σ_j ∂s_j/∂x_j of the score for the instantaneous change of variables (Chen et
 * al. 2018, Theorem 1; Song et al. 2021, eq. 39 and Appendix D.2): one vector–Jacobian product per dimension
 * j with the unit vector e_j, whose j-th entry is the diagonal element ∂s_j/∂x_j.
 *
 * <p>The D products of a batch of n rows are batched: the batch is replicated once per dimension (block b
 * weighted by e_j), so one forward and one backward pass of D·n rows give every diagonal element. To bound
 * memory, the dimensions are taken in chunks of at most {@code maxElements / (n·D)} (at least one) per pass.
 * Each row's divergence is summed over j in a fixed order in double precision, so that it does not depend on
 * the batch as long as the score of a row does not. Cost: about D times a score evaluation and its backward
 * pass per ODE evaluation. Immutable and thread-safe (autograd itself runs on one thread at a time).
 */
public final class ExactTrace implements Trace {
    /**
     * The default bound on the replicated batch: 2¹⁷ values (1 MiB of float64) per pass. Passes that stay in
     * the processor's caches were faster than larger ones (64-D mixture, 1000 rows: 0.2 s per evaluation with
     * this bound, 0.9 s with 2²¹ values).
     */
    public static final long DEFAULT_MAX_ELEMENTS = 1L << 17;

    private final long maxElements;

    /** With {@link #DEFAULT_MAX_ELEMENTS}. */
    public ExactTrace() {
        this(DEFAULT_MAX_ELEMENTS);
    }

    /** @param maxElements the largest replicated batch (rows × values per row) of one pass, ≥ 1 */
    public ExactTrace(long maxElements) {
        if (maxElements < 1) {
            throw new IllegalArgumentException("maxElements must be >= 1, got " + maxElements);
        }
        this.maxElements = maxElements;
    }

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public NDArray fixedNoise(Shape sampleShape, NoiseSource noise, NDManager manager) {
        return null;
    }

    @Override
    public Evaluation evaluate(NDArray x, double[] t, ScoreFunction score, Conditioning cond, NDArray fixedNoise) {
        int n = Rows.count(x);
        int d = Rows.width(x);
        double[] div = new double[n];
        int chunk = (int) Math.max(1, Math.min(d, maxElements / Math.max(1L, (long) n * d)));
        NDArray[] s = new NDArray[1];
        for (int j0 = 0; j0 < d; j0 += chunk) {
            int c = Math.min(chunk, d - j0);
            double[] forms;
            try (NDArray mask = x.getManager().create(oneHot(n, d, j0, c), new Shape((long) c * n, d))) {
                forms = JacobianForms.compute(x, t, score, cond, mask, c, "trace exact", j0 == 0 ? s : null);
            }
            for (int b = 0; b < c; b++) {
                for (int i = 0; i < n; i++) {
                    div[i] += forms[b * n + i];
                }
            }
        }
        return new Evaluation(s[0], div);
    }

    /** Row b·n + i holds the unit vector e_{j0+b}. */
    private static double[] oneHot(int n, int d, int j0, int c) {
        double[] m = new double[c * n * d];
        for (int b = 0; b < c; b++) {
            for (int i = 0; i < n; i++) {
                m[(b * n + i) * d + j0 + b] = 1;
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "exact trace";
    }
}
