package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The U-Net's layers against their formulas, computed here in plain Java. */
class UNetLayersTest {
    private static float[] gaussian(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Sets every parameter of an initialized block to seeded Gaussian values. */
    private static void randomize(AbstractBlock block, long seed) {
        long s = seed;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            a.set(gaussian(Math.toIntExact(a.size()), s++));
        }
    }

    private static NDArray forward(AbstractBlock b, NDManager nd, NDArray... in) {
        return b.forward(new ParameterStore(nd, false), new NDList(in), false).singletonOrThrow();
    }

    /** y = γ_c (x − μ_g)/√(σ²_g + ε) + β_c with μ_g, σ²_g over the channels of group g and all positions. */
    @Test
    void groupNormNormalizesEachGroupOfEachRow() {
        int n = 2;
        int c = 6;
        int hw = 5;
        int groups = 3;
        try (NDManager nd = NDManager.newBaseManager()) {
            GroupNorm norm = new GroupNorm(groups, c);
            norm.initialize(nd, DataType.FLOAT32, new Shape(n, c, 1, hw));
            randomize(norm, 1);
            float[] x = gaussian(n * c * hw, 9);
            for (int i = 0; i < x.length; i++) {
                x[i] = 3 * x[i] + 2;
            }
            float[] y = forward(norm, nd, nd.create(x, new Shape(n, c, 1, hw))).toFloatArray();
            float[] gamma = norm.getParameters().get("gamma").getArray().toFloatArray();
            float[] beta = norm.getParameters().get("beta").getArray().toFloatArray();
            int per = c / groups * hw;
            for (int row = 0; row < n; row++) {
                for (int g = 0; g < groups; g++) {
                    int from = row * c * hw + g * per;
                    double mean = 0;
                    for (int i = from; i < from + per; i++) {
                        mean += x[i] / (double) per;
                    }
                    double var = 0;
                    for (int i = from; i < from + per; i++) {
                        var += (x[i] - mean) * (x[i] - mean) / per;
                    }
                    for (int i = from; i < from + per; i++) {
                        int channel = (i / hw) % c;
                        double expected = gamma[channel] * (x[i] - mean) / Math.sqrt(var + 1e-6) + beta[channel];
                        assertThat((double) y[i]).isCloseTo(expected, within(1e-4));
                    }
                }
            }
        }
    }

    /** softmax(qᵀk/√C) over positions, applied to v, projected, added to the input and scaled by 1/√2. */
    @Test
    void attentionIsScaledDotProductAttentionOverPositions() {
        int c = 2;
        int p = 4;
        try (NDManager nd = NDManager.newBaseManager()) {
            AttentionBlock attn = new AttentionBlock(c, 1);
            Shape shape = new Shape(1, c, 2, 2);
            attn.initialize(nd, DataType.FLOAT32, shape);
            randomize(attn, 3);
            float[] x = gaussian(c * p, 4);
            float[] y = forward(attn, nd, nd.create(x, shape)).toFloatArray();
            // the normalization with one group, in Java
            GroupNorm norm = (GroupNorm) attn.getChildren().get("01norm");
            float[] gamma = norm.getParameters().get("gamma").getArray().toFloatArray();
            float[] beta = norm.getParameters().get("beta").getArray().toFloatArray();
            double mean = 0;
            for (float v : x) {
                mean += v / (double) x.length;
            }
            double var = 0;
            for (float v : x) {
                var += (v - mean) * (v - mean) / x.length;
            }
            double[][] h = new double[c][p];
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < p; i++) {
                    h[ch][i] = gamma[ch] * (x[ch * p + i] - mean) / Math.sqrt(var + 1e-6) + beta[ch];
                }
            }
            float[] wqkv = attn.getChildren().get("02qkv").getParameters().get("weight").getArray().toFloatArray();
            float[] bqkv = attn.getChildren().get("02qkv").getParameters().get("bias").getArray().toFloatArray();
            float[] wp = attn.getChildren().get("03proj").getParameters().get("weight").getArray().toFloatArray();
            float[] bp = attn.getChildren().get("03proj").getParameters().get("bias").getArray().toFloatArray();
            double[][] qkv = new double[3 * c][p];
            for (int o = 0; o < 3 * c; o++) {
                for (int i = 0; i < p; i++) {
                    double s = bqkv[o];
                    for (int ch = 0; ch < c; ch++) {
                        s += wqkv[o * c + ch] * h[ch][i];
                    }
                    qkv[o][i] = s;
                }
            }
            double[][] attended = new double[c][p];
            for (int i = 0; i < p; i++) {
                double[] w = new double[p];
                double total = 0;
                for (int j = 0; j < p; j++) {
                    double dot = 0;
                    for (int ch = 0; ch < c; ch++) {
                        dot += qkv[ch][i] * qkv[c + ch][j];
                    }
                    w[j] = Math.exp(dot / Math.sqrt(c));
                    total += w[j];
                }
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < p; j++) {
                        attended[ch][i] += w[j] / total * qkv[2 * c + ch][j];
                    }
                }
            }
            for (int o = 0; o < c; o++) {
                for (int i = 0; i < p; i++) {
                    double s = bp[o];
                    for (int ch = 0; ch < c; ch++) {
                        s += wp[o * c + ch] * attended[ch][i];
                    }
                    double expected = (x[o * p + i] + s) / Math.sqrt(2);
                    assertThat((double) y[o * p + i]).as("channel %d position %d", o, i).isCloseTo(expected,
                            within(1e-4));
                }
            }
        }
    }

    /** With the convolution set to the identity, up-sampling repeats each pixel over a 2×2 block. */
    @Test
    void upsamplingIsNearestNeighbourThenTheConvolution() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Upsample up = new Upsample(2);
            Shape shape = new Shape(1, 2, 2, 3);
            up.initialize(nd, DataType.FLOAT32, shape);
            float[] identity = new float[2 * 2 * 9];
            identity[4] = 1;
            identity[18 + 9 + 4] = 1;
            up.getParameters().get(0).getValue().getArray().set(identity);
            up.getParameters().get(1).getValue().getArray().set(new float[] {0.5f, -1});
            float[] x = gaussian(12, 5);
            NDArray y = forward(up, nd, nd.create(x, shape));
            assertThat(y.getShape()).isEqualTo(new Shape(1, 2, 4, 6));
            float[] v = y.toFloatArray();
            float[] bias = {0.5f, -1};
            for (int ch = 0; ch < 2; ch++) {
                for (int r = 0; r < 4; r++) {
                    for (int col = 0; col < 6; col++) {
                        assertThat(v[ch * 24 + r * 6 + col]).isCloseTo(x[ch * 6 + (r / 2) * 3 + col / 2] + bias[ch],
                                within(1e-6f));
                    }
                }
            }
        }
    }

    /** A new residual block (second convolution at zero) passes its input through its skip, scaled by 1/√2. */
    @Test
    void aNewResidualBlockIsItsSkipPath() {
        try (NDManager nd = NDManager.newBaseManager()) {
            ResidualBlock block = new ResidualBlock(4, 4, 2, 0, 0);
            Shape x = new Shape(2, 4, 3, 3);
            block.initialize(nd, DataType.FLOAT32, x, new Shape(2, 8));
            randomize(block, 7);
            for (Parameter p : block.zeroInitialized()) {
                p.getArray().set(new float[Math.toIntExact(p.getArray().size())]);
            }
            float[] in = gaussian(72, 8);
            float[] out = forward(block, nd, nd.create(in, x), nd.create(gaussian(16, 9), new Shape(2, 8)))
                    .toFloatArray();
            for (int i = 0; i < in.length; i++) {
                assertThat(out[i]).isCloseTo((float) (in[i] / Math.sqrt(2)), within(1e-6f));
            }
        }
    }
}
