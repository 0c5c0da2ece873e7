package org.score4j.solver.likelihood;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.score4j.api.Score4jException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;

/**
 * Quadratic forms wᵀ(∂s/∂x)w of the score's Jacobian for several weight vectors per row with one forward and
 * one backward pass: the batch is replicated once per weight vector (block after block), the score of the
 * replicated batch is differentiated with weights W (∂/∂x Σ s⊙W = Wᵀ∂s/∂x per row, a vector–Jacobian
 * product), and each row's result is dotted with its weights.
 */
final class JacobianForms {
    private JacobianForms() {}

    /**
     * The forms of {@code blocks} weight vectors per row.
     *
     * @param x the batch, float64, shape {@code [n, ...]}
     * @param weights float64, shape {@code [blocks·n, D]}: row b·n + i weighs row i of block b
     * @param scoreOut when not null, receives in [0] the score of the first block (that is, s(x, t)), detached
     *     from the graph and owned by the manager of x
     * @return the forms, index b·n + i
     */
    static double[] compute(NDArray x, double[] t, ScoreFunction score, Conditioning cond, NDArray weights,
            int blocks, String who, NDArray[] scoreOut) {
        NDManager parent = x.getManager();
        int n = Rows.count(x);
        int d = Rows.width(x);
        Shape flat = new Shape((long) blocks * n, d);
        try (NDManager sub = parent.newSubManager()) {
            long[] repeats = new long[x.getShape().dimension()];
            java.util.Arrays.fill(repeats, 1);
            repeats[0] = blocks;
            NDArray xr = blocks == 1 ? x.duplicate() : x.tile(repeats);
            xr.attach(sub);
            // autograd does not follow a cast: differentiate in the type the score computes in
            DataType type = score.gradientType();
            NDArray w = weights;
            if (type != null && type != xr.getDataType()) {
                xr = xr.toType(type, false);
                w = weights.toType(type, false);
                w.attach(sub);
            }
            NDArray s;
            NDArray g;
            try (GradientCollector gc = parent.getEngine().newGradientCollector()) {
                xr.setRequiresGradient(true);
                NDArray tt = sub.create(Rows.tile(t, blocks));
                s = score.score(xr, tt, Rows.tile(cond, n, blocks));
                NDArray y = s.reshape(flat).mul(w);
                try {
                    gc.backward(y);
                } catch (EngineException e) {
                    throw new Score4jException(who + " needs a score computed with NDArray operations on its input"
                            + " (differentiable by autograd); differentiating this score failed: "
                            + String.valueOf(e.getMessage()).replace('\n', ' '), e);
                }
            }
            g = xr.getGradient();
            double[] forms = Rows.doubles(g.reshape(flat).mul(w).sum(new int[] {1}));
            if (scoreOut != null) {
                NDArray first = blocks == 1 ? s : s.get(new NDIndex("0:" + n));
                NDArray detached = first.stopGradient();
                if (detached.getDataType() != x.getDataType()) {
                    detached = detached.toType(x.getDataType(), false);
                }
                detached.attach(parent);
                scoreOut[0] = detached;
            }
            return forms;
        }
    }
}
