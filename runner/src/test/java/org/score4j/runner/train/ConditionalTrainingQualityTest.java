package org.score4j.runner.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.runner.quality.Distributions;

/**
 * One class-conditional mlp trained with label dropout 0.2 ({@code --cond-dropout 0.2}) on labelled draws of a
 * 2-D mixture of three components gives, with classifier-free guidance at scale 1, samples of each component
 * alone and, unguided (the null label), samples of the mixture. Samples (predictor–corrector, 500 steps) are
 * compared with the target and, for scale, with the exact score under the same sampler: the assignment to
 * components, their spread and mean, and a sliced Wasserstein distance to true draws, with bounds looser than
 * the exact score's. The unconditional bounds are the looser ones: the null label sees a fifth of the
 * examples (3000 iterations rather than the 2000 of {@link TrainingQualityTest}, for the same reason).
 */
class ConditionalTrainingQualityTest {
    private static final GaussianMixture MIX = new GaussianMixture(new double[] {0.5, 0.3, 0.2},
            new double[][] {{-2.5, 2}, {2.5, 2}, {0, -2.5}}, new double[] {0.5, 0.4, 0.6});
    private static final Distributions.Mixture TARGET = new Distributions.Mixture(MIX.weights(), MIX.means(),
            MIX.stds());

    @TempDir
    Path dir;

    @Test
    void oneNetworkGivesEachClassAndTheMixture() throws IOException {
        Path spec = Files.writeString(dir.resolve("mix.json"), "{\"weights\": [0.5, 0.3, 0.2], \"means\": "
                + "[[-2.5, 2], [2.5, 2], [0, -2.5]], \"stds\": [0.5, 0.4, 0.6]}");
        TrainingSpec training = TrainingSpec.defaults()
                .withData(PluginRef.of("gmm-samples").with("spec", spec.toString()))
                .withCondDropout(0.2);
        TrainingResult r = TrainerTest.SCORE4J.trainer().train(training,
                TrainingOptions.defaults().withIterations(3000).withCheckpointEvery(3000), dir.resolve("run"),
                p -> { });
        Checkpoint ck = Checkpoint.open(r.checkpoint());
        assertThat(ck.numClasses()).isEqualTo(3);
        PipelineSpec learned = PipelineSpec.defaults().withSteps(500).withSeed(5)
                .withModel(ck.model().with(CheckpointLayout.CHECKPOINT_KEY, ck.dir().toString())).withSde(ck.sde());
        PipelineSpec exact = PipelineSpec.defaults().withSteps(500).withSeed(5)
                .withModel(PluginRef.of("gmm").with("spec", spec.toString()));

        // unguided: the null label's score, the mixture
        int n = 2000;
        double[][] u = sample(learned.withN(n));
        double[][] ue = sample(exact.withN(n));
        double[][] population = MIX.sample(20 * n, 11).x();
        int[] a = Distributions.assign(u, TARGET);
        double[] w = Distributions.componentWeights(a, 3);
        double[] spreads = Distributions.componentSpreads(u, a, TARGET);
        double sw = Distributions.slicedWasserstein(u, population);
        double swExact = Distributions.slicedWasserstein(ue, population);
        double swFloor = Distributions.slicedWasserstein(MIX.sample(n, 12).x(), population);
        System.out.printf(Locale.ROOT, "conditional training: loss %.4f; unconditional weights %s, spread/std %s, "
                + "SW %.3f (exact %.3f, true draw %.3f)%n", r.loss(), fmt(w), fmt(ratios(spreads, MIX.stds())), sw,
                swExact, swFloor);
        for (int k = 0; k < 3; k++) {
            assertThat(w[k]).as("unconditional weight of component " + k).isCloseTo(MIX.weight(k), within(0.05));
            assertThat(spreads[k]).as("unconditional spread of component " + k)
                    .isBetween(0.75 * MIX.std(k), 1.5 * MIX.std(k));
        }
        assertThat(sw).isLessThan(2.5 * Math.max(swFloor, swExact));

        // guided at scale 1: the class-conditional score, one component each
        int m = 1000;
        for (int k = 0; k < 3; k++) {
            int c = k;
            GaussianMixture component = new GaussianMixture(new double[] {1}, new double[][] {MIX.means()[c]},
                    new double[] {MIX.std(c)});
            double[][] x = sample(learned.withN(m).withGuidances(List.of(cfg(c))));
            double[][] xe = sample(exact.withN(m).withGuidances(List.of(cfg(c))));
            double[][] truth = component.sample(20 * m, 21 + c).x();
            int[] ac = Distributions.assign(x, TARGET);
            double inClass = (double) Arrays.stream(ac).filter(l -> l == c).count() / m;
            double[] mean = mean(x);
            double spread = Distributions.componentSpreads(x, new int[m],
                    new Distributions.Mixture(new double[] {1}, new double[][] {MIX.means()[c]},
                            new double[] {MIX.std(c)}))[0];
            double swc = Distributions.slicedWasserstein(x, truth);
            double swcExact = Distributions.slicedWasserstein(xe, truth);
            double swcFloor = Distributions.slicedWasserstein(component.sample(m, 31 + c).x(), truth);
            System.out.printf(Locale.ROOT, "  class %d: in class %.3f, mean %s (true %s), spread/std %.3f, SW %.3f "
                    + "(exact %.3f, true draw %.3f)%n", c, inClass, fmt(mean), fmt(MIX.means()[c]),
                    spread / MIX.std(c), swc, swcExact, swcFloor);
            assertThat(inClass).as("fraction of class-%d samples in component %d", c, c).isGreaterThan(0.97);
            for (int j = 0; j < 2; j++) {
                assertThat(mean[j]).as("mean of class " + c).isCloseTo(MIX.means()[c][j], within(0.25 * MIX.std(c)));
            }
            assertThat(spread).as("spread of class " + c).isBetween(0.8 * MIX.std(c), 1.25 * MIX.std(c));
            assertThat(swc).as("SW of class " + c).isLessThan(2.5 * Math.max(swcFloor, swcExact));
        }
    }

    private static PluginRef cfg(int c) {
        return PluginRef.of("cfg").with("scale", "1").with("class", String.valueOf(c));
    }

    private static double[][] sample(PipelineSpec spec) {
        return Distributions.rows(TrainerTest.SCORE4J.sample(spec, e -> { }).data(), 2);
    }

    private static double[] mean(double[][] x) {
        double[] m = new double[x[0].length];
        for (double[] p : x) {
            for (int j = 0; j < m.length; j++) {
                m[j] += p[j] / x.length;
            }
        }
        return m;
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.3f", v[i]));
        }
        return sb.append(']').toString();
    }
}
