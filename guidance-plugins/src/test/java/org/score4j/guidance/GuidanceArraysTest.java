package org.score4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VpSde;

/** Memory, data types and gradients: what the solvers and inverse-problem methods rely on. */
class GuidanceArraysTest {
    private static final List<Guidance> GUIDANCES = List.of(new ClassifierFreeGuidance(2.5, 1, 0),
            new ClassifierFreeGuidance(2.5, 1, 0.3), new ClassifierGuidance(2.5, 1));

    private static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    @Test
    void resultsLandInTheManagerOfXAndInputsAreLeftAlone() {
        GaussianMixture g = GaussianMixture.defaultMixture();
        GmmScoreModel model = new GmmScoreModel(g);
        Sde sde = VpSde.defaults();
        double[][] pts = Exact.points(g, sde, 0.3, 10, 2);
        double[] times = {0.1, 0.2, 0.25, 0.3, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.05, 0.4, 0.45};
        for (Guidance guidance : GUIDANCES) {
            ScoreFunction f = guidance.wrap(model.scoreFunction(sde), model, sde);
            for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                try (NDManager sub = nd.newSubManager()) {
                    NDArray x = Exact.array(sub, pts).toType(type, false);
                    NDArray t = sub.create(times).toType(type, false);
                    double[][] before = Exact.rows(x);
                    int managed = sub.getManagedArrays().size();
                    NDArray a = f.score(x, 0.3, Conditioning.NONE);
                    NDArray b = f.score(x, t, Conditioning.NONE);
                    assertThat(sub.getManagedArrays()).as(guidance + " " + type).hasSize(managed + 2)
                            .contains(a, b);
                    assertThat(a.getDataType()).isEqualTo(type);
                    assertThat(b.getDataType()).isEqualTo(type);
                    assertThat(a.getShape()).isEqualTo(x.getShape());
                    assertThat(b.getShape()).isEqualTo(x.getShape());
                    assertThat(Exact.rows(x)).isDeepEqualTo(before);
                    assertThat(t.isReleased()).isFalse();
                    assertThat(x.isReleased()).isFalse();
                }
            }
        }
    }

    @Test
    void float32FollowsFloat64() {
        GaussianMixture g = Exact.mixture8d();
        GmmScoreModel model = new GmmScoreModel(g);
        Sde sde = VpSde.defaults();
        double[][] pts = Exact.points(g, sde, 0.3, 10, 9);
        for (Guidance guidance : GUIDANCES) {
            ScoreFunction f = guidance.wrap(model.scoreFunction(sde), model, sde);
            try (NDManager sub = nd.newSubManager()) {
                NDArray x64 = Exact.array(sub, pts);
                double[][] ref = Exact.rows(f.score(x64, 0.3, Conditioning.NONE));
                double[][] single = Exact.rows(f.score(x64.toType(DataType.FLOAT32, false), 0.3, Conditioning.NONE));
                for (int i = 0; i < pts.length; i++) {
                    assertThat(Exact.dist(single[i], ref[i])).isLessThanOrEqualTo(1e-4 * (1 + Exact.norm(ref[i])));
                }
            }
        }
    }

    @Test
    void gradientsFlowThroughTheGuidedScore() {
        // ∂/∂x_i of Σ_j s̃_j(x_i, t_i), by autograd through the guidance and by finite differences in Java
        GaussianMixture g = GaussianMixture.defaultMixture();
        GmmScoreModel model = new GmmScoreModel(g);
        Sde sde = VpSde.defaults();
        double w = 2.5;
        double tMin = 0.3;
        double[] times = {0.1, 0.2, 0.3, 0.5, 0.8};
        double[][] pts = Exact.points(g, sde, 0.3, times.length - 4, 5);
        ScoreFunction f = new ClassifierFreeGuidance(w, 1, tMin).wrap(model.scoreFunction(sde), model, sde);
        try (NDManager sub = nd.newSubManager()) {
            NDArray x = Exact.array(sub, pts);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(f.score(x, sub.create(times), Conditioning.NONE).sum());
            }
            double[][] grad = Exact.rows(x.getGradient());
            for (int i = 0; i < pts.length; i++) {
                double ti = times[i];
                double wi = ti >= tMin ? w : 1;
                double h = 1e-5;
                for (int j = 0; j < 2; j++) {
                    double[] a = pts[i].clone();
                    double[] b = pts[i].clone();
                    a[j] += h;
                    b[j] -= h;
                    double[] sa = Exact.cfg(g, sde, ti, 1, wi, a);
                    double[] sb = Exact.cfg(g, sde, ti, 1, wi, b);
                    double fd = (sa[0] + sa[1] - sb[0] - sb[1]) / (2 * h);
                    assertThat(grad[i][j]).as("row %d, coordinate %d", i, j)
                            .isCloseTo(fd, org.assertj.core.api.Assertions.within(1e-5 * (1 + Math.abs(fd))));
                }
            }
        }
    }
}
