package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Locale;

/**
 * A time embedding t ↦ [sin(2π·t·W), cos(2π·t·W)] of even size E: Gaussian random Fourier features with fixed
 * (untrained) frequencies W ~ N(0, scale²) (Tancik et al. 2020; score_sde's {@code GaussianFourierProjection},
 * Song et al. 2021, Appendix H), or the sinusoidal embedding of the Transformer applied to 1000·t
 * (Vaswani et al. 2017; Ho et al. 2020, Appendix B), frequencies exp(−ln(10⁴)·k/(E/2 − 1)).
 *
 * <p>Input {@code NDList(t)} with t of shape {@code [n]}; output {@code [n, E]}. Operations are called on t, so
 * every array of a forward pass belongs to t's manager. The Fourier frequencies are a parameter that does not
 * require gradients, so they are saved and loaded with the other weights.
 */
final class TimeEmbedding extends AbstractBlock {
    private static final byte VERSION = 1;

    /** The kinds of embedding ({@code embedding} key). */
    enum Kind {
        FOURIER, SINUSOIDAL;

        /** The config word. */
        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final int size;
    private final Parameter frequencies;

    TimeEmbedding(Kind kind, int size) {
        super(VERSION);
        if (size < 2 || size % 2 != 0) {
            throw new IllegalArgumentException("embedding size must be even and >= 2, got " + size);
        }
        this.kind = kind;
        this.size = size;
        this.frequencies = kind == Kind.FOURIER
                ? addParameter(Parameter.builder().setName("frequencies").setType(Parameter.Type.OTHER)
                        .optRequiresGrad(false).optShape(new Shape(size / 2)).build())
                : null;
    }

    /** The embedding's size E. */
    int size() {
        return size;
    }

    /** The Fourier frequencies, or {@code null} for the sinusoidal embedding. */
    Parameter frequencies() {
        return frequencies;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray t = inputs.singletonOrThrow();
        long n = t.getShape().get(0);
        int half = size / 2;
        NDArray col = t.reshape(n, 1);
        NDArray angles;
        if (kind == Kind.FOURIER) {
            NDArray w = ps.getValue(frequencies, t.getDevice(), training);
            angles = GraphConstants.muli(col.mul(w), 2 * Math.PI);
        } else {
            float[] f = new float[half];
            double step = half > 1 ? Math.log(10_000) / (half - 1) : 0;
            for (int k = 0; k < half; k++) {
                f[k] = (float) Math.exp(-step * k);
            }
            try (NDArray freq = GraphConstants.create(t.getManager(), f, new Shape(half))) {
                angles = GraphConstants.muli(col.mul(freq), 1000);
            }
        }
        return new NDList(angles.sin().concat(angles.cos(), 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), size)};
    }

    @Override
    public String toString() {
        return kind.word() + " time embedding (" + size + ")";
    }
}
