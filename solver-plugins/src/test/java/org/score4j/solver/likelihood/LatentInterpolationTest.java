package org.score4j.solver.likelihood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.score4j.sde.SubVpSde;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

class LatentInterpolationTest {
    private static double norm(double[] v) {
        double q = 0;
        for (double x : v) {
            q += x * x;
        }
        return Math.sqrt(q);
    }

    private static double angle(double[] a, double[] b) {
        double ab = 0;
        for (int j = 0; j < a.length; j++) {
            ab += a[j] * b[j];
        }
        return Math.acos(Math.max(-1, Math.min(1, ab / (norm(a) * norm(b)))));
    }

    @Test
    void slerpKeepsEqualNormsAndMovesAtAConstantAngle() {
        double[] a = {3, 0, 4, 0};
        double[] b = {0, 5, 0, 0};
        double[][] p = LatentInterpolation.path(a, b, 3, LatentInterpolation.Method.SLERP);
        assertThat(p).hasNumberOfRows(5);
        assertThat(p[0]).containsExactly(a);
        assertThat(p[4]).containsExactly(b);
        for (int k = 0; k < p.length; k++) {
            assertThat(norm(p[k])).isCloseTo(5, within(1e-12));
            assertThat(angle(a, p[k])).isCloseTo(k * Math.PI / 2 / 4, within(1e-12));
        }
    }

    @Test
    void linearIsTheStraightLineAndTheFallbackForParallelLatents() {
        double[] a = {1, 2};
        double[] b = {3, -2};
        double[][] p = LatentInterpolation.path(a, b, 1, LatentInterpolation.Method.LINEAR);
        assertThat(p[1]).containsExactly(2, 0);
        double[] c = {2, 4};
        assertThat(LatentInterpolation.slerp(a, c, 0.5)).containsExactly(1.5, 3);
        assertThat(LatentInterpolation.slerp(new double[] {0, 0}, c, 0.25)).containsExactly(0.5, 1);
        assertThat(LatentInterpolation.path(a, b, 0, LatentInterpolation.Method.SLERP)).hasNumberOfRows(2);
    }

    @Test
    void theDefaultFollowsTheLatentsCentre() {
        assertThat(LatentInterpolation.defaultFor(VpSde.defaults())).isEqualTo(LatentInterpolation.Method.SLERP);
        assertThat(LatentInterpolation.defaultFor(SubVpSde.defaults())).isEqualTo(LatentInterpolation.Method.SLERP);
        assertThat(LatentInterpolation.defaultFor(VeSde.defaults())).isEqualTo(LatentInterpolation.Method.LINEAR);
    }
}
