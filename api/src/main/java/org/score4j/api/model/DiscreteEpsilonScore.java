package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;
import org.score4j.api.sde.DiscreteSde;

/**
 * {@link EpsilonModel#score}: score = −ε(x, sde.timestep(t))/σ(t), the {@link Parameterization#EPSILON}
 * conversion with the network called at integer timesteps.
 */
final class DiscreteEpsilonScore implements ScoreFunction {
    private final EpsilonModel model;
    private final DiscreteSde sde;

    DiscreteEpsilonScore(EpsilonModel model, DiscreteSde sde) {
        this.model = Objects.requireNonNull(model, "model");
        this.sde = Objects.requireNonNull(sde, "sde");
    }

    @Override
    public NDArray score(NDArray x, double t, Conditioning cond) {
        int[] steps = new int[Math.toIntExact(x.getShape().get(0))];
        Arrays.fill(steps, sde.timestep(t));
        NDArray eps = model.epsilon(x, steps, cond);
        NDArray s = GraphConstants.div(eps, -sde.marginal(t).std());
        if (eps != x) {
            eps.close();
        }
        return s;
    }

    @Override
    public NDArray score(NDArray x, NDArray t, Conditioning cond) {
        NDArray t64 = t.toType(DataType.FLOAT64, false);
        double[] ts = t64.toDoubleArray();
        if (t64 != t) {
            t64.close();
        }
        int[] steps = new int[ts.length];
        double[] scale = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            steps[i] = sde.timestep(ts[i]);
            scale[i] = -1 / sde.marginal(ts[i]).std();
        }
        long[] dims = new long[x.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[0] = ts.length;
        NDArray eps = model.epsilon(x, steps, cond);
        // a copy in engine-owned memory (the product keeps it for autograd; see GraphConstants)
        NDArray typed;
        try (NDArray c = x.getManager().create(scale, new Shape(dims))) {
            typed = c.getDataType() == x.getDataType() ? c.duplicate() : c.toType(x.getDataType(), false);
        }
        NDArray s = eps.mul(typed);
        typed.close();
        if (eps != x) {
            eps.close();
        }
        return s;
    }

    @Override
    public String toString() {
        return "epsilon model on " + sde;
    }
}
