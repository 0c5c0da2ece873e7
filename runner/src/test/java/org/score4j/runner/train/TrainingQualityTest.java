package org.score4j.runner.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.runner.engine.SampleResult;

/**
 * The 2-D recipe: the default mlp trained for 2000 iterations on draws of the built-in mixture reproduces it.
 * Samples of the trained model (predictor–corrector, 500 steps) are compared with the mixture and, for scale,
 * with samples of the exact score under the same sampler: component weights, per-component spread, and a
 * sliced Wasserstein distance to fresh draws of the mixture, with bounds looser than the exact score's.
 */
class TrainingQualityTest {
    private static final GaussianMixture MIX = GaussianMixture.defaultMixture();
    private static final int N = 2000;

    @TempDir
    Path dir;

    @Test
    void trainedMlpReproducesTheMixture() {
        long start = System.nanoTime();
        TrainingResult r = TrainerTest.SCORE4J.trainer().train(TrainingSpec.defaults(),
                TrainingOptions.defaults().withIterations(2000).withCheckpointEvery(2000), dir.resolve("run"), p -> { });
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Checkpoint ck = Checkpoint.open(r.checkpoint());
        PipelineSpec base = PipelineSpec.defaults().withN(N).withSteps(500).withSeed(5);
        SampleResult learned = TrainerTest.SCORE4J.sample(
                base.withModel(ck.model().with(CheckpointLayout.CHECKPOINT_KEY, ck.dir().toString()))
                        .withSde(ck.sde()), e -> { });
        SampleResult exact = TrainerTest.SCORE4J.sample(base.withModel(PluginRef.of("gmm")), e -> { });

        double[][] x = rows(learned.data());
        double[][] y = rows(exact.data());
        double[][] population = MIX.sample(20 * N, 11).x();
        double swLearned = slicedWasserstein(x, population);
        double swExact = slicedWasserstein(y, population);
        double swFloor = slicedWasserstein(MIX.sample(N, 12).x(), population);
        double[] wLearned = weights(x);
        double[] wExact = weights(y);
        System.out.printf("training quality: %d iterations in %.1f s (%.0f it/s), final loss %.4f%n"
                + "  weights learned %s, exact %s, true %s%n"
                + "  spread learned %s, exact %s, true %s%n"
                + "  sliced W2 to the mixture: learned %.3f, exact score %.3f, a true draw %.3f%n",
                r.iteration(), trainSeconds, r.iterationsPerSecond(), r.loss(), fmt(wLearned), fmt(wExact),
                fmt(MIX.weights()), fmt(spreads(x)), fmt(spreads(y)), fmt(MIX.stds()), swLearned, swExact, swFloor);

        assertThat(r.loss()).isLessThan(0.45);
        for (int k = 0; k < MIX.components(); k++) {
            assertThat(wLearned[k]).as("weight of component " + k).isCloseTo(MIX.weight(k),
                    org.assertj.core.api.Assertions.within(0.05));
            assertThat(spreads(x)[k]).as("spread of component " + k).isBetween(0.75 * MIX.std(k), 1.4 * MIX.std(k));
        }
        assertThat(swLearned).isLessThan(2.5 * Math.max(swFloor, swExact));
        assertThat(outliers(x)).isLessThan(0.02);
    }

    private static double[][] rows(float[] data) {
        double[][] x = new double[data.length / 2][2];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = data[2 * i];
            x[i][1] = data[2 * i + 1];
        }
        return x;
    }

    /** The component of highest responsibility of each point. */
    private static int component(double[] p) {
        int best = 0;
        double bestLog = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < MIX.components(); k++) {
            double s = MIX.std(k);
            double q = 0;
            for (int j = 0; j < 2; j++) {
                double e = p[j] - MIX.mean(k, j);
                q += e * e;
            }
            double l = Math.log(MIX.weight(k)) - q / (2 * s * s) - 2 * Math.log(s);
            if (l > bestLog) {
                bestLog = l;
                best = k;
            }
        }
        return best;
    }

    private static double[] weights(double[][] x) {
        double[] w = new double[MIX.components()];
        for (double[] p : x) {
            w[component(p)] += 1.0 / x.length;
        }
        return w;
    }

    /** The root-mean-square distance of each component's points to its mean, per coordinate. */
    private static double[] spreads(double[][] x) {
        double[] sq = new double[MIX.components()];
        int[] n = new int[MIX.components()];
        for (double[] p : x) {
            int k = component(p);
            for (int j = 0; j < 2; j++) {
                double e = p[j] - MIX.mean(k, j);
                sq[k] += e * e;
            }
            n[k] += 2;
        }
        double[] s = new double[sq.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = Math.sqrt(sq[k] / Math.max(1, n[k]));
        }
        return s;
    }

    /** The fraction of points farther than 5 standard deviations from every component. */
    private static double outliers(double[][] x) {
        int far = 0;
        for (double[] p : x) {
            boolean near = false;
            for (int k = 0; k < MIX.components(); k++) {
                double dx = p[0] - MIX.mean(k, 0);
                double dy = p[1] - MIX.mean(k, 1);
                near |= Math.sqrt(dx * dx + dy * dy) < 5 * MIX.std(k);
            }
            far += near ? 0 : 1;
        }
        return (double) far / x.length;
    }

    /**
     * The sliced 2-Wasserstein distance over 64 fixed directions between a sample {@code a} and a larger
     * reference sample {@code b} standing for the distribution (its quantiles at (i + ½)/n).
     */
    private static double slicedWasserstein(double[][] a, double[][] b) {
        SplittableRandom r = new SplittableRandom(3);
        double sum = 0;
        int directions = 64;
        for (int l = 0; l < directions; l++) {
            double th = Math.PI * r.nextDouble();
            double c = Math.cos(th);
            double s = Math.sin(th);
            double[] pa = new double[a.length];
            double[] pb = new double[b.length];
            for (int i = 0; i < a.length; i++) {
                pa[i] = c * a[i][0] + s * a[i][1];
            }
            for (int i = 0; i < b.length; i++) {
                pb[i] = c * b[i][0] + s * b[i][1];
            }
            Arrays.sort(pa);
            Arrays.sort(pb);
            for (int i = 0; i < pa.length; i++) {
                double q = pb[(int) ((i + 0.5) * pb.length / pa.length)];
                sum += (pa[i] - q) * (pa[i] - q);
            }
        }
        return Math.sqrt(sum / (directions * (double) a.length));
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(java.util.Locale.ROOT, "%.3f", v[i]));
        }
        return sb.append(']').toString();
    }
}
