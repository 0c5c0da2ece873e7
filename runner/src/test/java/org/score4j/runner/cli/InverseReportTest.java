package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.score4j.api.data.DataScaling;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.Score4j;

/** The measurement's change of units and its picture. */
class InverseReportTest {
    static Score4j score4j;
    static NDManager nd;

    @BeforeAll
    static void setUp() {
        score4j = Score4j.create(null);
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        nd.close();
    }

    static MeasurementOperator op(String name, String key, String value, Shape shape) {
        PluginRef ref = PluginRef.of(name);
        if (key != null) {
            ref = ref.with(key, value);
        }
        return score4j.assembler().operator(ref).instance().bind(shape);
    }

    static float[] apply(MeasurementOperator op, float[] x, int rows) {
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i];
        }
        NDArray a = nd.create(d, new Shape(rows).addAll(op.sampleShape()));
        return op.apply(a).toType(DataType.FLOAT32, false).toFloatArray();
    }

    @ParameterizedTest(name = "{0} {1}={2} on {3} channel(s)")
    @CsvSource({"inpaint,pattern,box,1", "super-resolution,factor,2,1", "deblur,size,5,1", "tomography,angles,6,1",
        "colorize,,,3"})
    void aMeasurementInDataUnitsMapsToTheMeasurementOfTheScaledImage(String name, String key, String value, int c) {
        // x_model = a·x + b, so A(x_model) = a·A(x) + b·A(1) for a linear A: deblur (zeros outside the image) and
        // tomography (ray lengths) have A(1) ≠ 1
        Shape shape = new Shape(c, 8, 8);
        MeasurementOperator op = op(name, key, value, shape);
        DataScaling s = DataScaling.BYTES_TO_SYMMETRIC;
        int rows = 3;
        float[] x = new float[rows * c * 64];
        SplittableRandom r = new SplittableRandom(7);
        float[] xm = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.rint(r.nextDouble(0, 255));
            xm[i] = (float) s.toModel(x[i]);
        }
        float[] y = apply(op, x, rows);
        float[] want = apply(op, xm, rows);
        float[] got = InverseReport.toModel(y, rows, op, s);
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as("entry %d", i).isCloseTo(want[i], within(2e-4f * (1 + Math.abs(want[i]))));
        }
    }

    @Test
    void theMeasurementPictureFollowsTheOperator() {
        DataScaling s = DataScaling.BYTES_TO_SYMMETRIC;
        float[] x = new float[2 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 37) % 256;
        }
        // deblur: the blurred image itself
        MeasurementOperator blur = op("deblur", null, null, new Shape(1, 8, 8));
        float[] yb = apply(blur, x, 2);
        assertThat(InverseReport.displays(blur, yb, InverseReport.toModel(yb, 2, blur, s), 2, s)).containsExactly(yb);
        // super-resolution: the nearest upsampling of the low-resolution image
        MeasurementOperator sr = op("super-resolution", "factor", "2", new Shape(1, 8, 8));
        float[] ys = apply(sr, x, 2);
        float[] ds = InverseReport.displays(sr, ys, InverseReport.toModel(ys, 2, sr, s), 2, s);
        for (int i = 0; i < 2; i++) {
            for (int rr = 0; rr < 8; rr++) {
                for (int cc = 0; cc < 8; cc++) {
                    assertThat(ds[i * 64 + rr * 8 + cc]).isCloseTo(ys[i * 16 + (rr / 2) * 4 + cc / 2], within(1e-3f));
                }
            }
        }
        // inpaint: observed pixels as measured, missing ones mid grey (model 0)
        MeasurementOperator box = op("inpaint", "pattern", "box", new Shape(1, 8, 8));
        float[] yi = apply(box, x, 2);
        float[] di = InverseReport.displays(box, yi, InverseReport.toModel(yi, 2, box, s), 2, s);
        int grey = 0;
        for (int i = 0; i < di.length; i++) {
            if (Math.abs(di[i] - 127.5f) < 1e-3f) {
                grey++;
            } else {
                assertThat(di[i]).isCloseTo(x[i], within(1e-3f));
            }
        }
        assertThat(grey).isGreaterThanOrEqualTo(2 * 16);   // the 4×4 box of each image
        // colorize: the gray image in every channel
        float[] rgb = new float[3 * 64];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i * 11) % 256;
        }
        MeasurementOperator gray = op("colorize", null, null, new Shape(3, 8, 8));
        float[] yg = apply(gray, rgb, 1);
        float[] dg = InverseReport.displays(gray, yg, InverseReport.toModel(yg, 1, gray, s), 1, s);
        for (int ch = 0; ch < 3; ch++) {
            for (int j = 0; j < 64; j++) {
                assertThat(dg[ch * 64 + j]).isEqualTo(yg[j]);
            }
        }
    }
}
