package org.score4j.sde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.sde.Transition;

class SdeTransitionTest {
    private static final List<Sde> SDES = List.of(VeSde.defaults(), VpSde.defaults(), SubVpSde.defaults(),
            DdpmSde.defaults(), DdpmSde.cosine(1000));

    @Test
    void composesOverAnIntermediateTime() {
        double[][] stu = {{0.001, 0.3, 1}, {0.2, 0.25, 0.9}, {0, 0.5, 0.6}, {0.4, 0.4000001, 0.4000002}};
        for (Sde sde : SDES) {
            for (double[] p : stu) {
                Transition su = sde.transition(p[0], p[1]);
                Transition ut = sde.transition(p[1], p[2]);
                Transition st = sde.transition(p[0], p[2]);
                assertThat(su.scale() * ut.scale()).as("%s scale %s", sde, p[0])
                        .isCloseTo(st.scale(), within(1e-13 * st.scale()));
                assertThat(ut.scale() * ut.scale() * su.variance() + ut.variance()).as("%s variance", sde)
                        .isCloseTo(st.variance(), within(1e-12 * st.variance()));
            }
        }
    }

    @Test
    void fromZeroItIsTheMarginal() {
        for (Sde sde : List.<Sde>of(VpSde.defaults(), SubVpSde.defaults(), DdpmSde.defaults())) {
            for (double t : new double[] {1e-6, 0.1, 0.7, 1}) {
                Transition tr = sde.transition(0, t);
                Marginal m = sde.marginal(t);
                assertThat(tr.scale()).isCloseTo(m.mean(), within(1e-14));
                assertThat(tr.variance()).isCloseTo(m.variance(), within(1e-14 * m.variance()));
            }
        }
    }

    @Test
    void agreesWithTheMarginalDifferenceOfTheDefault() {
        for (Sde sde : SDES) {
            Transition tr = sde.transition(0.2, 0.8);
            Marginal ms = sde.marginal(0.2);
            Marginal mt = sde.marginal(0.8);
            double scale = mt.mean() / ms.mean();
            assertThat(tr.scale()).isCloseTo(scale, within(1e-13 * scale));
            double variance = mt.variance() - scale * scale * ms.variance();
            assertThat(tr.variance()).isCloseTo(variance, within(1e-12 * variance));
        }
    }

    /**
     * Over a short step the variance is ∫ (m(t)/m(u))² g(u)² du, which the midpoint rule gives to a relative
     * O(h²); computing it as σ(t)² − scale²·σ(s)² would lose about 8 of 16 digits here.
     */
    @Test
    void keepsRelativePrecisionOverTinySteps() {
        double s = 0.5;
        double t = s + 1e-9;
        double h = t - s;
        for (Sde sde : SDES) {
            double mid = s + h / 2;
            double g = sde.diffusion(mid);
            double r = sde.marginal(t).mean() / sde.marginal(mid).mean();
            double expected = r * r * g * g * h;
            assertThat(sde.transition(s, t).variance()).as("%s", sde)
                    .isCloseTo(expected, within(1e-12 * expected));
        }
    }

    @Test
    void rejectsTimesOutOfOrder() {
        for (Sde sde : SDES) {
            assertThatThrownBy(() -> sde.transition(0.5, 0.5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sde.transition(0.6, 0.5)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
