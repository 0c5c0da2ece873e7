package org.score4j.api.plugin;

import java.util.List;

/**
 * The one entry point of a plugin jar, listed in
 * {@code META-INF/services/org.score4j.api.plugin.Score4jPlugin} and found with {@link java.util.ServiceLoader}.
 *
 * <p>It returns factories, one list per kind; a jar overrides only the kinds it provides. A new kind is a
 * new default method, so older plugins keep working. Implementations need a public no-argument constructor
 * and must do no work in it.
 */
public interface Score4jPlugin {
    /** The API major version the plugin was compiled against: implement as {@code return ApiVersion.MAJOR;}. */
    int apiMajor();

    /** Forward SDEs. */
    default List<SdeFactory> sdes() {
        return List.of();
    }

    /** Score models. */
    default List<ModelFactory> models() {
        return List.of();
    }

    /** Predictors for the predictor-corrector sampler. */
    default List<PredictorFactory> predictors() {
        return List.of();
    }

    /** Correctors for the predictor-corrector sampler. */
    default List<CorrectorFactory> correctors() {
        return List.of();
    }

    /** Solvers (samplers). */
    default List<SolverFactory> solvers() {
        return List.of();
    }

    /** Time grids. */
    default List<ScheduleFactory> schedules() {
        return List.of();
    }

    /** Guidance decorators. */
    default List<GuidanceFactory> guidances() {
        return List.of();
    }

    /** Training data sets (API 1.1). */
    default List<DatasetFactory> datasets() {
        return List.of();
    }

    /**
     * Measurement operators of inverse problems.
     *
     * @since 1.4
     */
    default List<OperatorFactory> operators() {
        return List.of();
    }

    /**
     * Posterior sampling methods of inverse problems.
     *
     * @since 1.4
     */
    default List<MethodFactory> methods() {
        return List.of();
    }
}
