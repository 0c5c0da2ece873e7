package org.score4j.runner.engine;

import java.util.Map;
import org.score4j.api.plugin.CorrectorFactory;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.GuidanceFactory;
import org.score4j.api.plugin.MethodFactory;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PredictorFactory;
import org.score4j.api.plugin.ScheduleFactory;
import org.score4j.api.plugin.SdeFactory;
import org.score4j.api.plugin.SolverFactory;

/** The available factories of every kind, name → factory (as injected by the runner's wiring). */
public record Registries(
        Map<String, SdeFactory> sdes,
        Map<String, ModelFactory> models,
        Map<String, PredictorFactory> predictors,
        Map<String, CorrectorFactory> correctors,
        Map<String, SolverFactory> solvers,
        Map<String, ScheduleFactory> schedules,
        Map<String, GuidanceFactory> guidances,
        Map<String, DatasetFactory> datasets,
        Map<String, OperatorFactory> operators,
        Map<String, MethodFactory> methods) {

    public Registries {
        sdes = Map.copyOf(sdes);
        models = Map.copyOf(models);
        predictors = Map.copyOf(predictors);
        correctors = Map.copyOf(correctors);
        solvers = Map.copyOf(solvers);
        schedules = Map.copyOf(schedules);
        guidances = Map.copyOf(guidances);
        datasets = Map.copyOf(datasets);
        operators = Map.copyOf(operators);
        methods = Map.copyOf(methods);
    }

    /** Without the inverse-problem kinds (operators, methods). */
    public Registries(Map<String, SdeFactory> sdes, Map<String, ModelFactory> models,
            Map<String, PredictorFactory> predictors, Map<String, CorrectorFactory> correctors,
            Map<String, SolverFactory> solvers, Map<String, ScheduleFactory> schedules,
            Map<String, GuidanceFactory> guidances, Map<String, DatasetFactory> datasets) {
        this(sdes, models, predictors, correctors, solvers, schedules, guidances, datasets, Map.of(), Map.of());
    }

    /** The sampling kinds only, without data sets (for callers that do not train). */
    public Registries(Map<String, SdeFactory> sdes, Map<String, ModelFactory> models,
            Map<String, PredictorFactory> predictors, Map<String, CorrectorFactory> correctors,
            Map<String, SolverFactory> solvers, Map<String, ScheduleFactory> schedules,
            Map<String, GuidanceFactory> guidances) {
        this(sdes, models, predictors, correctors, solvers, schedules, guidances, Map.of(), Map.of(), Map.of());
    }
}
