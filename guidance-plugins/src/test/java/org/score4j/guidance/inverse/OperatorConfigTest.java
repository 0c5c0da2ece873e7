package org.score4j.guidance.inverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.inverse.Operator;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginKind;
import org.score4j.guidance.GuidancePlugin;

/** Bad operator configurations fail when the operator is created or bound, with one clear message. */
class OperatorConfigTest {
    @TempDir
    Path dir;

    static Operator create(OperatorFactory f, Map<String, String> config) {
        return f.create(PluginConfig.of(PluginKind.OPERATOR.word(), f, config));
    }

    static void fails(Runnable r, String... parts) {
        assertThatThrownBy(r::run).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(parts).doesNotContain("\n"));
    }

    @Test
    void thePluginDeclaresSixOperatorsAndTwoMethods() {
        GuidancePlugin p = new GuidancePlugin();
        assertThat(p.operators()).extracting(OperatorFactory::name)
                .containsExactly("inpaint", "super-resolution", "deblur", "colorize", "tomography", "matrix");
        assertThat(p.methods()).extracting(f -> f.name()).containsExactly("projection", "dps");
        assertThat(PluginKind.ofWord("operator").factoriesOf(p)).hasSize(6);
        assertThat(PluginKind.ofWord("method").factoriesOf(p)).hasSize(2);
        for (OperatorFactory f : p.operators()) {
            assertThat(f.configKeys()).containsKey("noise");
        }
    }

    @Test
    void negativeNoiseIsRefused() {
        for (OperatorFactory f : new GuidancePlugin().operators()) {
            fails(() -> PluginConfig.of("operator", f, Map.of("noise", "-0.1")), "operator.noise", "[0, 1000]");
        }
    }

    @Test
    void aMaskOfAnotherSizeIsRefused() {
        Path mask = TestFiles.npy(dir, "mask.npy", new double[] {1, 0, 1, 0, 1, 1}, 2, 3);
        Operator op = create(new InpaintOperator.Factory(), Map.of("mask", mask.toString()));
        fails(() -> op.bind(new Shape(1, 3, 3)), "operator.mask has shape (2, 3)", "(1, 3, 3), (3, 3) or (9,)");
        fails(() -> op.bind(new Shape(5)), "operator.mask has shape (2, 3)", "(5,)");
        assertThat(op.bind(new Shape(4, 2, 3)).measurementShape()).isEqualTo(new Shape(16));
    }

    @Test
    void aMaskMustHoldZerosAndOnesAndObserveSomething() {
        Path half = TestFiles.npy(dir, "half.npy", new double[] {1, 0.5}, 2);
        fails(() -> create(new InpaintOperator.Factory(), Map.of("mask", half.toString())).bind(new Shape(2)),
                "holds 0.5 at index 1", "0 (missing) and 1 (observed)");
        Path none = TestFiles.npy(dir, "none.npy", new double[] {0, 0}, 2);
        fails(() -> create(new InpaintOperator.Factory(), Map.of("mask", none.toString())).bind(new Shape(2)),
                "observes no value");
        fails(() -> create(new InpaintOperator.Factory(), Map.of("mask", dir.resolve("missing.npy").toString())),
                "operator.mask", "does not exist");
    }

    @Test
    void patternKeysApplyToTheirPatternOnly() {
        Path mask = TestFiles.npy(dir, "m.npy", new double[] {1, 0}, 2);
        fails(() -> create(new InpaintOperator.Factory(), Map.of("mask", mask.toString(), "pattern", "box")),
                "operator.mask and operator.pattern exclude each other");
        fails(() -> create(new InpaintOperator.Factory(), Map.of("fraction", "0.3")),
                "operator.fraction applies to operator.pattern=random only");
        fails(() -> create(new InpaintOperator.Factory(), Map.of("pattern", "random", "box", "0.3")),
                "operator.box applies to operator.pattern=box only");
        fails(() -> create(new InpaintOperator.Factory(), Map.of("pattern", "box")).bind(new Shape(8)),
                "pattern box needs image samples");
        fails(() -> create(new InpaintOperator.Factory(), Map.of("pattern", "ring")), "operator.pattern",
                "half, box, random");
        fails(() -> create(new InpaintOperator.Factory(), Map.of("pattern", "random", "fraction", "0")),
                "operator.fraction", "(0, 1]");
        fails(() -> create(new InpaintOperator.Factory(), Map.of("pattern", "random", "fraction", "1"))
                .bind(new Shape(1, 2, 2)), "observes no value");
    }

    @Test
    void imageOperatorsNeedImagesOfFittingSizes() {
        for (OperatorFactory f : List.of(new SuperResolutionOperator.Factory(), new DeblurOperator.Factory(),
                new ColorizeOperator.Factory(), new TomographyOperator.Factory())) {
            fails(() -> create(f, Map.of()).bind(new Shape(64)), "operator " + f.name(),
                    "image samples of shape (C, H, W)", "model.shape=1,8,8");
        }
        fails(() -> create(new SuperResolutionOperator.Factory(), Map.of("factor", "3")).bind(new Shape(1, 8, 8)),
                "operator.factor 3 does not divide the image size 8×8");
        fails(() -> create(new ColorizeOperator.Factory(), Map.of()).bind(new Shape(1, 8, 8)),
                "RGB images (3, H, W)", "1 channel");
        fails(() -> create(new ColorizeOperator.Factory(), Map.of("weights", "1,2")), "operator.weights");
        fails(() -> create(new ColorizeOperator.Factory(), Map.of("weights", "0,0,0")), "not all 0");
        fails(() -> create(new DeblurOperator.Factory(), Map.of("size", "4")), "operator.size", "odd");
        fails(() -> create(new DeblurOperator.Factory(), Map.of("sigma", "0")), "operator.sigma");
    }

    @Test
    void aMatrixMustBeGivenTwoDimensionalAndFitTheSamples() {
        fails(() -> create(new MatrixOperator.Factory(), Map.of()), "operator.matrix", "(M, D)");
        Path flat = TestFiles.npy(dir, "flat.npy", new double[] {1, 2, 3}, 3);
        fails(() -> create(new MatrixOperator.Factory(), Map.of("matrix", flat.toString())), "shape (3,)",
                "2-D matrix");
        Path nan = TestFiles.npy(dir, "nan.npy", new double[] {1, Double.NaN}, 1, 2);
        fails(() -> create(new MatrixOperator.Factory(), Map.of("matrix", nan.toString())), "finite");
        Path m = TestFiles.matrix(dir, "m.npy", 2, 3, 1);
        Operator op = create(new MatrixOperator.Factory(), Map.of("matrix", m.toString()));
        fails(() -> op.bind(new Shape(4)), "has 3 columns", "(M, 4)");
        assertThat(op.bind(new Shape(3)).measurementShape()).isEqualTo(new Shape(2));
    }
}
