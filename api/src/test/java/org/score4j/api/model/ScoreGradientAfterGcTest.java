package org.score4j.api.model;

import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.score4j.api.sde.DiscreteSde;
import org.score4j.api.sde.Marginal;
import org.score4j.api.testing.FreedMemory;

/**
 * The conversions of this package differentiated after garbage collections have freed and reused the memory of
 * closed arrays ({@link FreedMemory#churn} between the forward and the backward pass): the gradients are the
 * same bits as without them, and match their closed forms.
 */
class ScoreGradientAfterGcTest {
    private static final double[] X = {1.5, -0.2, 0.8, 2.2, -1.0, 0.3};
    private static final Shape BATCH = new Shape(3, 2);

    /** ∇ₓ Σ f(x) at {@link #X} (float64), with or without the churn before the backward pass. */
    private static double[] gradient(Function<NDArray, NDArray> f, boolean churn) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(X, BATCH);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true);
                NDArray y = f.apply(x).sum();
                if (churn) {
                    FreedMemory.churn(nd);
                }
                gc.backward(y);
            }
            return x.getGradient().toDoubleArray();
        }
    }

    /** The quiet and churned gradients agree bit for bit, and the quiet one is {@code expected(x_i)}. */
    private static void check(SoftAssertions softly, String what, Function<NDArray, NDArray> f,
            Function<Integer, Double> expected) {
        double[] quiet = gradient(f, false);
        softly.assertThat(FreedMemory.difference(quiet, gradient(f, true))).as("%s after garbage collections", what)
                .isEmpty();
        for (int i = 0; i < X.length; i++) {
            softly.assertThat(quiet[i]).as("%s at %d", what, i).isCloseTo(expected.apply(i), within(1e-12));
        }
    }

    @Test
    void sharedTimeConversionsHaveExactGradients() {
        SoftAssertions softly = new SoftAssertions();
        double m = 0.6;
        double s = 0.8;
        double n2 = m * m + s * s;
        Marginal mg = new Marginal(m, s);
        // the network output x², so that each conversion's gradient is known: d/dx of score(x², x)
        check(softly, "epsilon", x -> Parameterization.EPSILON.toScore(x.square(), x, mg), i -> -2 * X[i] / s);
        check(softly, "x0", x -> Parameterization.X0.toScore(x.square(), x, mg), i -> (2 * m * X[i] - 1) / (s * s));
        check(softly, "v", x -> Parameterization.V.toScore(x.square(), x, mg), i -> -(s + 2 * m * X[i]) / (n2 * s));
        check(softly, "scaled score", x -> Parameterization.SCALED_SCORE.toScore(x.square(), x, mg), i -> 2 * X[i] / s);
        check(softly, "score", x -> Parameterization.SCORE.toScore(x.square(), x, mg), i -> 2 * X[i]);
        softly.assertAll();
    }

    @Test
    void perRowConversionsWithOwnedMarginalsHaveExactGradients() {
        SoftAssertions softly = new SoftAssertions();
        double[] m = {0.9, 0.5, 0.1};
        double[] s = {0.4, 0.8, 1.2};
        for (Parameterization p : new Parameterization[] {Parameterization.EPSILON, Parameterization.X0}) {
            check(softly, p + " per row", x -> {
                // copies in engine-owned memory, closed before the backward pass as the per-row form allows
                try (NDArray mean = x.getManager().create(m).duplicate();
                        NDArray std = x.getManager().create(s).duplicate()) {
                    return p.toScore(x.square(), x, mean, std);
                }
            }, i -> p == Parameterization.EPSILON ? -2 * X[i] / s[i / 2]
                    : (2 * m[i / 2] * X[i] - 1) / (s[i / 2] * s[i / 2]));
        }
        softly.assertAll();
    }

    /** A discrete process of 10 timesteps at t = (i + 1)/10 with σ(t) = t and m(t) = 1. */
    private static final DiscreteSde STEPS = new DiscreteSde() {
        @Override
        public int numTimesteps() {
            return 10;
        }

        @Override
        public double time(int timestep) {
            return (timestep + 1) / 10.0;
        }

        @Override
        public int timestep(double t) {
            return (int) Math.round(t * 10) - 1;
        }

        @Override
        public double t0() {
            return 0.1;
        }

        @Override
        public double tEnd() {
            return 1;
        }

        @Override
        public double driftCoefficient(double t) {
            return 0;
        }

        @Override
        public double diffusion(double t) {
            return Math.sqrt(2 * t);
        }

        @Override
        public Marginal marginal(double t) {
            return new Marginal(1, t);
        }

        @Override
        public double priorStd() {
            return 1;
        }
    };

    @Test
    void epsilonModelScoresHaveExactGradients() {
        SoftAssertions softly = new SoftAssertions();
        // ε(x, i) = (i + 1)·x², so the score −ε/σ(t) = −10·x² at every timestep: gradient −20·x
        ScoreFunction score = ((EpsilonModel) (x, steps, cond) -> {
            double[] scale = new double[steps.length];
            for (int i = 0; i < steps.length; i++) {
                scale[i] = steps[i] + 1;
            }
            try (NDArray c = x.getManager().create(scale, new Shape(steps.length, 1)).duplicate()) {
                return x.square().mul(c);
            }
        }).score(STEPS);
        check(softly, "epsilon model, shared time", x -> score.score(x, 0.3, Conditioning.NONE), i -> -20 * X[i]);
        check(softly, "epsilon model, per-row times",
                x -> score.score(x, x.getManager().create(new double[] {0.2, 0.5, 1.0}), Conditioning.NONE),
                i -> -20 * X[i]);
        softly.assertAll();
    }
}
