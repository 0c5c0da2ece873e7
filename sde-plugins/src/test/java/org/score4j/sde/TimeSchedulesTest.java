package org.score4j.sde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.TimeSchedule;

class TimeSchedulesTest {
    private static final List<Sde> SDES = List.of(VeSde.defaults(), VpSde.defaults(), SubVpSde.defaults(),
            new VpSde(0.5, 8, 2, 0.02), DdpmSde.defaults(), DdpmSde.cosine(1000));
    private static final List<TimeSchedule> SCHEDULES = List.of(new UniformSchedule(), new QuadraticSchedule(),
            new KarrasSchedule(7), new KarrasSchedule(1.5), new LogSnrSchedule());

    @Test
    void everyGridRunsFromTEndToT0StrictlyDecreasing() {
        for (Sde sde : SDES) {
            for (TimeSchedule schedule : SCHEDULES) {
                for (int steps : new int[] {1, 2, 7, 1000}) {
                    double[] t = schedule.times(steps, sde);
                    assertThat(t).as("%s on %s, %d steps", schedule, sde, steps).hasSize(steps + 1);
                    assertThat(t[0]).isEqualTo(sde.tEnd());
                    assertThat(t[steps]).isEqualTo(sde.t0());
                    for (int i = 1; i <= steps; i++) {
                        assertThat(t[i]).as("%s on %s, t[%d]", schedule, sde, i).isLessThan(t[i - 1]);
                    }
                }
            }
        }
    }

    @Test
    void rejectsFewerThanOneStep() {
        for (TimeSchedule schedule : SCHEDULES) {
            assertThatThrownBy(() -> schedule.times(0, VpSde.defaults()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void uniformIsEquallySpaced() {
        double[] t = new UniformSchedule().times(10, VpSde.defaults());
        for (int i = 0; i <= 10; i++) {
            assertThat(t[i]).isCloseTo(1 - i * (1 - 1e-3) / 10, within(1e-15));
        }
    }

    @Test
    void quadraticIsDenserNearT0() {
        Sde sde = new VeSde(0.01, 50, 2, 0.1);
        double[] t = new QuadraticSchedule().times(8, sde);
        for (int i = 0; i <= 8; i++) {
            double u = 1 - i / 8.0;
            assertThat(t[i]).isCloseTo(0.1 + 1.9 * u * u, within(1e-15));
        }
        for (int i = 2; i <= 8; i++) {
            assertThat(t[i - 1] - t[i]).isLessThan(t[i - 2] - t[i - 1]);
        }
    }

    /** λ(t_i) = (λmax^(1/ρ) + i/N (λmin^(1/ρ) − λmax^(1/ρ)))^ρ, with λ = σ/m computed here from the marginal. */
    @Test
    void karrasFollowsEquationFiveInNoiseLevel() {
        for (double rho : new double[] {7, 3}) {
            for (Sde sde : SDES) {
                int n = 25;
                double[] t = new KarrasSchedule(rho).times(n, sde);
                double max = Math.pow(noiseLevel(sde, sde.tEnd()), 1 / rho);
                double min = Math.pow(noiseLevel(sde, sde.t0()), 1 / rho);
                for (int i = 0; i <= n; i++) {
                    double expected = Math.pow(max + (double) i / n * (min - max), rho);
                    assertThat(noiseLevel(sde, t[i])).as("%s ρ=%s λ(t[%d])", sde, rho, i)
                            .isCloseTo(expected, within(1e-10 * expected));
                }
            }
        }
    }

    /** For VE, λ(t) = σ(t) = σmin·r^t inverts in closed form: t = ln(λ/σmin)/ln r. */
    @Test
    void karrasOnVeMatchesTheClosedFormInverse() {
        VeSde ve = VeSde.defaults();
        double[] t = new KarrasSchedule(7).times(18, ve);
        double max = Math.pow(50, 1 / 7.0);
        double min = Math.pow(ve.sigma(1e-3), 1 / 7.0);
        for (int i = 0; i <= 18; i++) {
            double sigma = Math.pow(max + i / 18.0 * (min - max), 7);
            assertThat(t[i]).isCloseTo(Math.log(sigma / 0.01) / Math.log(5000), within(1e-12));
        }
    }

    @Test
    void logSnrIsEquallySpacedInLogSnr() {
        for (Sde sde : SDES) {
            int n = 40;
            double[] t = new LogSnrSchedule().times(n, sde);
            double first = logSnr(sde, t[0]);
            double step = (logSnr(sde, t[n]) - first) / n;
            assertThat(step).isPositive();
            for (int i = 0; i <= n; i++) {
                assertThat(logSnr(sde, t[i])).as("%s log-SNR at t[%d]", sde, i)
                        .isCloseTo(first + i * step, within(1e-10));
            }
        }
    }

    @Test
    void factoriesCreateTheSchedules() {
        assertThat(new KarrasSchedule.Factory().create(PluginConfig.of("schedule", new KarrasSchedule.Factory(),
                Map.of()))).isEqualTo(new KarrasSchedule(7));
        assertThat(new KarrasSchedule.Factory().create(PluginConfig.of("schedule", new KarrasSchedule.Factory(),
                Map.of("rho", "3")))).isEqualTo(new KarrasSchedule(3));
        assertThatThrownBy(() -> PluginConfig.of("schedule", new KarrasSchedule.Factory(), Map.of("rho", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schedule.rho");
        assertThatThrownBy(() -> new KarrasSchedule(Double.NaN)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rho");
        assertThatThrownBy(() -> PluginConfig.of("schedule", new UniformSchedule.Factory(), Map.of("rho", "7")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schedule.rho");
        assertThat(new UniformSchedule.Factory().create(PluginConfig.empty())).isEqualTo(new UniformSchedule());
        assertThat(new QuadraticSchedule.Factory().create(PluginConfig.empty())).isEqualTo(new QuadraticSchedule());
        assertThat(new LogSnrSchedule.Factory().create(PluginConfig.empty())).isEqualTo(new LogSnrSchedule());
    }

    private static double noiseLevel(Sde sde, double t) {
        Marginal m = sde.marginal(t);
        return m.std() / m.mean();
    }

    private static double logSnr(Sde sde, double t) {
        Marginal m = sde.marginal(t);
        return Math.log(m.mean() / m.std());
    }
}
