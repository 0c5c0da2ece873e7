package org.score4j.guidance.inverse;

import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.score4j.api.inverse.LinearOperator;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Sde;
import org.score4j.api.testing.FreedMemory;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VpSde;

/**
 * The operators and {@code dps} differentiated after garbage collections have freed and reused the memory of
 * closed arrays ({@link FreedMemory#churn} between the forward and the backward pass): the gradient of
 * Σ w⊙A(x) is Aᵀw (the adjoint, computed without autograd) and the same bits as without the churn; the
 * {@code dps} score, whose gradient runs through the model's score, the denoiser x̂₀ and the operator, is the
 * same bits as well.
 */
class GradientAfterGcTest {
    private static final Sde VP = new VpSde(0.1, 20, 1, 1e-3);

    private static double[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static List<OperatorsTest.Case> operators() {
        List<OperatorsTest.Case> c = new ArrayList<>();
        c.add(new OperatorsTest.Case("inpaint random (2,4,4)", OperatorsTest.bind(new InpaintOperator.Factory(),
                Map.of("pattern", "random", "mask_seed", "3", "noise", "0.1"), new Shape(2, 4, 4)), true));
        c.add(new OperatorsTest.Case("super-resolution x2 (1,4,4)", OperatorsTest.bind(
                new SuperResolutionOperator.Factory(), Map.of("noise", "0.1"), new Shape(1, 4, 4)), true));
        c.add(new OperatorsTest.Case("deblur 3 (1,5,5)", OperatorsTest.bind(new DeblurOperator.Factory(),
                Map.of("size", "3", "noise", "0.1"), new Shape(1, 5, 5)), true));
        c.add(new OperatorsTest.Case("colorize (3,2,3)", OperatorsTest.bind(new ColorizeOperator.Factory(),
                Map.of("noise", "0.1"), new Shape(3, 2, 3)), true));
        c.add(new OperatorsTest.Case("tomography 3 angles (1,4,4)", OperatorsTest.bind(
                new TomographyOperator.Factory(), Map.of("angles", "3", "noise", "0.1"), new Shape(1, 4, 4)), false));
        c.add(new OperatorsTest.Case("matrix 3x5 (5)", (LinearOperator) new MatrixOperator("a", gaussian(15, 4), 3, 5,
                1e-6, 0.1).bind(new Shape(5)), true));
        return c;
    }

    /** ∇ₓ Σ w⊙A(x) at a seeded batch of 2 of {@code type}, with or without the churn before backward. */
    private static double[] operatorGradient(LinearOperator op, DataType type, boolean churn) {
        Shape batch = new Shape(2).addAll(op.sampleShape());
        Shape measured = new Shape(2).addAll(op.measurementShape());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(gaussian(Math.toIntExact(batch.size()), 1), batch).toType(type, false);
            NDArray w = nd.create(gaussian(Math.toIntExact(measured.size()), 2), measured).toType(type, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true);
                NDArray y = op.apply(x).mul(w).sum();
                if (churn) {
                    FreedMemory.churn(nd);
                }
                gc.backward(y);
            }
            return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    @Test
    void operatorGradientsAreTheAdjointAfterGarbageCollections() {
        SoftAssertions softly = new SoftAssertions();
        for (OperatorsTest.Case c : operators()) {
            double[] adjoint;
            try (NDManager nd = NDManager.newBaseManager()) {
                Shape measured = new Shape(2).addAll(c.op().measurementShape());
                adjoint = c.op().adjoint(nd.create(gaussian(Math.toIntExact(measured.size()), 2), measured))
                        .toDoubleArray();
            }
            for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                double[] quiet = operatorGradient(c.op(), type, false);
                softly.assertThat(quiet).as("%s %s: the gradient is Aᵀw", c, type)
                        .containsExactly(adjoint, within(type == DataType.FLOAT64 ? 1e-12 : 1e-5));
                softly.assertThatCode(() -> softly.assertThat(FreedMemory.difference(quiet,
                        operatorGradient(c.op(), type, true))).as("%s %s: the gradient after garbage collections", c,
                        type).isEmpty()).as("%s %s: the backward pass after garbage collections", c, type)
                        .doesNotThrowAnyException();
            }
        }
        softly.assertAll();
    }

    /** {@code op}, which also runs {@link FreedMemory#churn} after each {@code apply} while {@code churn[0]}. */
    private record Churning(MeasurementOperator op, boolean[] churn) implements MeasurementOperator {
        @Override
        public Shape sampleShape() {
            return op.sampleShape();
        }

        @Override
        public Shape measurementShape() {
            return op.measurementShape();
        }

        @Override
        public double noiseStd() {
            return op.noiseStd();
        }

        @Override
        public NDArray apply(NDArray x) {
            NDArray y = op.apply(x);
            if (churn[0]) {
                FreedMemory.churn(x.getManager());
            }
            return y;
        }
    }

    /** The dps score at a seeded batch of 3 (float64) measured by {@code op}, at one time or one per row. */
    private static double[] dpsScore(ScoreFunction dps, MeasurementOperator op, double[] t) {
        int n = 3;
        Shape batch = new Shape(n).addAll(op.sampleShape());
        Shape measured = new Shape(n).addAll(op.measurementShape());
        float[] y = new float[Math.toIntExact(measured.size())];
        double[] g = gaussian(y.length, 8);
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) g[i];
        }
        Conditioning cond = Conditioning.NONE.withMeasurements(y, op.measurementShape());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(gaussian(Math.toIntExact(batch.size()), 9), batch);
            NDArray s = t.length == 1 ? dps.score(x, t[0], cond) : dps.score(x, nd.create(t), cond);
            return s.toDoubleArray();
        }
    }

    @Test
    void dpsScoresDoNotDependOnFreedMemory() {
        SoftAssertions softly = new SoftAssertions();
        for (OperatorsTest.Case c : operators()) {
            Shape sample = c.op().sampleShape();
            int d = Math.toIntExact(sample.size());
            double[][] means = {gaussian(d, 5), gaussian(d, 6)};
            GmmScoreModel model = new GmmScoreModel(new GaussianMixture(new double[] {0.4, 0.6}, means,
                    new double[] {0.5, 0.8}), sample);
            boolean[] churn = {false};
            Churning op = new Churning(c.op(), churn);
            ScoreFunction prior = model.scoreFunction(VP);
            ScoreFunction dps = new DpsMethod(1, DpsMethod.DEFAULT_GAMMA, 1).guidance(op).wrap(prior, model, VP);
            for (double[] t : new double[][] {{0.3}, {0.1, 0.4, 0.8}}) {
                churn[0] = false;
                double[] quiet = dpsScore(dps, op, t);
                String when = c + " at t = " + java.util.Arrays.toString(t);
                churn[0] = true;
                softly.assertThatCode(() -> softly.assertThat(FreedMemory.difference(quiet, dpsScore(dps, op, t)))
                        .as("%s: the dps score after garbage collections", when).isEmpty())
                        .as("%s: the dps gradient after garbage collections", when).doesNotThrowAnyException();
                churn[0] = false;
                softly.assertThat(FreedMemory.difference(quiet, dpsScore(prior, op, t)))
                        .as("%s: the likelihood term changes the score", c).isNotEmpty();
            }
        }
        softly.assertAll();
    }
}
