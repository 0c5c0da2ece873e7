package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * {@link EpsilonModel#unconditional}: calls a one-timestep network once per run of consecutive rows that share
 * a timestep (once for the whole batch in the usual case).
 */
final class SharedTimestepModel implements EpsilonModel {
    private final SharedTimestep model;

    SharedTimestepModel(SharedTimestep model) {
        this.model = model;
    }

    @Override
    public NDArray epsilon(NDArray x, int[] timesteps, Conditioning cond) {
        if (!cond.isUnconditional()) {
            throw new IllegalArgumentException("this epsilon model is unconditional, got " + cond);
        }
        int n = timesteps.length;
        if (n != x.getShape().get(0)) {
            throw new IllegalArgumentException(n + " timesteps for a batch of " + x.getShape().get(0) + " rows");
        }
        int first = 0;
        while (first < n && timesteps[first] == timesteps[0]) {
            first++;
        }
        if (first == n) {
            return model.epsilon(x, timesteps[0]);
        }
        NDList parts = new NDList();
        NDList slices = new NDList();
        try {
            for (int a = 0; a < n;) {
                int b = a + 1;
                while (b < n && timesteps[b] == timesteps[a]) {
                    b++;
                }
                NDArray rows = x.get(new NDIndex(a + ":" + b));
                slices.add(rows);
                parts.add(model.epsilon(rows, timesteps[a]));
                a = b;
            }
            return NDArrays.concat(parts, 0);
        } finally {
            parts.close();
            slices.close();
        }
    }
}
