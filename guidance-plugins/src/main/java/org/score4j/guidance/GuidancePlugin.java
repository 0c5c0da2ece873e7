package org.score4j.guidance;

import java.util.List;
import org.score4j.api.ApiVersion;
import org.score4j.api.plugin.GuidanceFactory;
import org.score4j.api.plugin.MethodFactory;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.guidance.inverse.ColorizeOperator;
import org.score4j.guidance.inverse.DeblurOperator;
import org.score4j.guidance.inverse.DpsMethod;
import org.score4j.guidance.inverse.InpaintOperator;
import org.score4j.guidance.inverse.MatrixOperator;
import org.score4j.guidance.inverse.ProjectionMethod;
import org.score4j.guidance.inverse.SuperResolutionOperator;
import org.score4j.guidance.inverse.TomographyOperator;

/**
 * The plugin entry point of this jar: the guidances {@code cfg} ({@link ClassifierFreeGuidance}, Ho &amp;
 * Salimans 2022) and {@code classifier} ({@link ClassifierGuidance}, Song et al. 2021, §5); the inverse-problem
 * operators {@code inpaint}, {@code super-resolution}, {@code deblur}, {@code colorize}, {@code tomography},
 * {@code matrix} and methods {@code projection}, {@code dps} (package {@link org.score4j.guidance.inverse}). Listed in
 * {@code META-INF/services/org.score4j.api.plugin.Score4jPlugin}; does no work when constructed; stateless and
 * thread-safe.
 */
public final class GuidancePlugin implements Score4jPlugin {

    /** Used by {@link java.util.ServiceLoader}. */
    public GuidancePlugin() {}

    @Override
    public int apiMajor() {
        return ApiVersion.MAJOR;
    }

    @Override
    public List<GuidanceFactory> guidances() {
        return List.of(new ClassifierFreeGuidance.Factory(), new ClassifierGuidance.Factory());
    }

    @Override
    public List<OperatorFactory> operators() {
        return List.of(new InpaintOperator.Factory(), new SuperResolutionOperator.Factory(),
                new DeblurOperator.Factory(), new ColorizeOperator.Factory(), new TomographyOperator.Factory(),
                new MatrixOperator.Factory());
    }

    @Override
    public List<MethodFactory> methods() {
        return List.of(new ProjectionMethod.Factory(), new DpsMethod.Factory());
    }
}
