package org.score4j.sde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Transition;

class DdpmSdeTest {
    private static final DdpmSde LINEAR = DdpmSde.defaults();
    private static final DdpmSde COSINE = DdpmSde.cosine(1000);

    @Test
    void linearScheduleConstants() {
        assertThat(LINEAR.numTimesteps()).isEqualTo(1000);
        assertThat(LINEAR.beta(0)).isEqualTo(1e-4);
        assertThat(LINEAR.beta(999)).isEqualTo(0.02);
        assertThat(LINEAR.beta(1)).isCloseTo(1e-4 + 0.0199 / 999, within(1e-18));
        assertThat(LINEAR.alphaCumprod(-1)).isEqualTo(1);
        assertThat(LINEAR.alphaCumprod(0)).isCloseTo(0.9999, within(1e-16));
        assertThat(LINEAR.alphaCumprod(1)).isCloseTo(0.9999 * (1 - 1e-4 - 0.0199 / 999), within(1e-15));
        // the product over all 1000 timesteps
        assertThat(LINEAR.alphaCumprod(999)).isCloseTo(4.0358297654e-5, within(1e-10 * 4.0358297654e-5));
    }

    /** Reference values: diffusers' betas_for_alpha_bar("cosine") and cumprod, in float64. */
    @Test
    void cosineScheduleConstants() {
        assertThat(COSINE.beta(0)).isCloseTo(4.128422482196914e-05, within(1e-17));
        assertThat(COSINE.beta(499)).isCloseTo(0.0031458862304780677, within(1e-15));
        assertThat(COSINE.beta(998)).isCloseTo(0.7499993929011166, within(1e-13));
        assertThat(COSINE.beta(999)).isEqualTo(0.999); // clipped
        assertThat(COSINE.alphaCumprod(499)).isCloseTo(0.4938435904406382, within(1e-13));
        assertThat(COSINE.alphaCumprod(998)).isCloseTo(2.4287669070348544e-06, within(1e-13 * 2.43e-6));
        assertThat(COSINE.alphaCumprod(999)).isCloseTo(2.4287669070348567e-09, within(1e-13 * 2.43e-9));
    }

    @Test
    void timestepsAndTimes() {
        for (DdpmSde sde : new DdpmSde[] {LINEAR, DdpmSde.linear(7, 0.01, 0.3)}) {
            int n = sde.numTimesteps();
            assertThat(sde.t0()).isEqualTo(1.0 / n).isEqualTo(sde.time(0));
            assertThat(sde.tEnd()).isEqualTo(1).isEqualTo(sde.time(n - 1));
            assertThat(sde.time(-1)).isZero();
            for (int i = 0; i < n; i++) {
                assertThat(sde.time(i)).isEqualTo((i + 1) / (double) n);
                assertThat(sde.timestep(sde.time(i))).isEqualTo(i);
                // nearest timestep from either side
                assertThat(sde.timestep(Math.min(1, sde.time(i) + 0.4 / n))).isEqualTo(i);
                assertThat(sde.timestep(Math.max(0, sde.time(i) - 0.4 / n))).isEqualTo(i);
            }
            assertThat(sde.timestep(0)).isZero();
            assertThatThrownBy(() -> sde.time(n)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sde.timestep(1.5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sde.marginal(-0.1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void marginalIsExactAtEveryTimestep() {
        for (DdpmSde sde : new DdpmSde[] {LINEAR, COSINE}) {
            for (int i = -1; i < sde.numTimesteps(); i++) {
                double abar = sde.alphaCumprod(i);
                Marginal m = sde.marginal(sde.time(i));
                assertThat(m.mean() * m.mean()).as("%s m² at %d", sde, i).isCloseTo(abar, within(1e-15 * abar));
                assertThat(m.variance()).as("%s σ² at %d", sde, i).isCloseTo(1 - abar, within(1e-15));
            }
        }
        // σ² at timestep 0 is β_0 to full relative precision
        assertThat(LINEAR.marginal(LINEAR.t0()).variance()).isCloseTo(1e-4, within(1e-19));
    }

    @Test
    void marginalInterpolatesLogAlphaBarLinearlyAndPreservesVariance() {
        for (DdpmSde sde : new DdpmSde[] {LINEAR, COSINE}) {
            int n = sde.numTimesteps();
            for (int i : new int[] {0, 1, 17, 500, 998}) {
                double lo = Math.log(sde.alphaCumprod(i));
                double hi = Math.log(sde.alphaCumprod(i + 1));
                for (double w : new double[] {0.25, 0.5, 0.9}) {
                    double t = (i + 1 + w) / n;
                    Marginal m = sde.marginal(t);
                    double want = (1 - w) * lo + w * hi;
                    assertThat(2 * Math.log(m.mean())).isCloseTo(want, within(1e-15 + 1e-13 * Math.abs(want)));
                    assertThat(m.mean() * m.mean() + m.variance()).isCloseTo(1, within(2e-16));
                }
            }
            for (int k = 0; k <= 1000; k++) {
                Marginal m = sde.marginal(k / 1000.0 * 0.999999 + 1e-7);
                assertThat(m.mean() * m.mean() + m.variance()).isCloseTo(1, within(4e-16));
            }
        }
    }

    /**
     * f = d log m/dt and g² = dσ²/dt − 2fσ² of the interpolation, by central differences inside an interval,
     * and the interval's value at its upper end (the timestep's own time).
     */
    @Test
    void driftAndDiffusionAreTheDerivativesOfTheInterpolation() {
        for (DdpmSde sde : new DdpmSde[] {LINEAR, COSINE}) {
            int n = sde.numTimesteps();
            for (int i : new int[] {0, 3, 250, 700, 999}) {
                double beta = sde.beta(i);
                double rate = -n * Math.log1p(-beta);
                double t = (i + 0.5) / n;
                double h = 1e-3 / n;
                Marginal a = sde.marginal(t - h);
                Marginal b = sde.marginal(t + h);
                double f = (Math.log(b.mean()) - Math.log(a.mean())) / (2 * h);
                double s2 = sde.marginal(t).variance();
                double g2 = (b.variance() - a.variance()) / (2 * h) - 2 * f * s2;
                assertThat(f).as("%s f at %d", sde, i).isCloseTo(-0.5 * rate, within(1e-6 * rate));
                assertThat(g2).as("%s g² at %d", sde, i).isCloseTo(rate, within(1e-6 * rate));
                for (double u : new double[] {t, sde.time(i)}) {
                    assertThat(sde.driftCoefficient(u)).isCloseTo(-0.5 * rate, within(1e-14 * rate));
                    assertThat(sde.diffusion(u)).isCloseTo(Math.sqrt(rate), within(1e-14 * Math.sqrt(rate)));
                }
            }
        }
    }

    @Test
    void transitionBetweenNeighboursIsTheDiscreteKernel() {
        for (DdpmSde sde : new DdpmSde[] {LINEAR, COSINE}) {
            for (int i : new int[] {0, 1, 400, 999}) {
                Transition tr = sde.transition(sde.time(i - 1), sde.time(i));
                double beta = sde.beta(i);
                assertThat(tr.scale() * tr.scale()).isCloseTo(1 - beta, within(1e-15));
                assertThat(tr.variance()).isCloseTo(beta, within(1e-12 * beta));
            }
        }
    }

    @Test
    void configKeys() {
        DdpmSde.Factory f = new DdpmSde.Factory();
        assertThat(f.configKeys().keySet()).containsExactly("schedule", "num_train_timesteps", "beta_start",
                "beta_end");
        assertThat(create(Map.of())).isEqualTo(LINEAR).isEqualTo(DdpmSde.linear(1000, 1e-4, 0.02));
        assertThat(create(Map.of("schedule", "cosine", "num_train_timesteps", "500")))
                .isEqualTo(DdpmSde.cosine(500));
        assertThat(create(Map.of("beta_start", "0.001", "beta_end", "0.01", "num_train_timesteps", "50")))
                .isEqualTo(DdpmSde.linear(50, 0.001, 0.01));
        assertThat(LINEAR).hasToString("ddpm(linear, N=1000, beta 1.0E-4..0.02)");
    }

    @Test
    void configErrorsNameTheKey() {
        assertRejected(Map.of("schedule", "cosine", "beta_start", "0.001"), "beta_start", "schedule=linear");
        assertRejected(Map.of("schedule", "cosine", "beta_end", "0.01"), "beta_end", "schedule=linear");
        assertRejected(Map.of("schedule", "squaredcos"), "sde.schedule", "linear, cosine");
        assertRejected(Map.of("num_train_timesteps", "1"), "sde.num_train_timesteps");
        assertRejected(Map.of("beta_start", "0"), "sde.beta_start");
        assertRejected(Map.of("beta_end", "1"), "beta_start and beta_end", "(0, 1)");
        assertRejected(Map.of("num_train_timesteps", "100000", "beta_start", "0.5", "beta_end", "0.9"),
                "underflows");
    }

    private static DdpmSde create(Map<String, String> given) {
        DdpmSde.Factory f = new DdpmSde.Factory();
        return f.create(PluginConfig.of("sde", f, given));
    }

    private static void assertRejected(Map<String, String> given, String... words) {
        assertThatThrownBy(() -> create(given)).as("%s", given).isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(words)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
