package org.score4j.runner.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import java.util.Map;
import org.score4j.api.plugin.CorrectorFactory;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.GuidanceFactory;
import org.score4j.api.plugin.MethodFactory;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.plugin.PluginKind;
import org.score4j.api.plugin.PredictorFactory;
import org.score4j.api.plugin.ScheduleFactory;
import org.score4j.api.plugin.SdeFactory;
import org.score4j.api.plugin.SolverFactory;
import org.score4j.runner.discovery.PluginCatalog;
import org.score4j.runner.engine.PipelineAssembler;
import org.score4j.runner.engine.Registries;

/**
 * Binds every discovered factory into one {@code MapBinder<String, XFactory>} per plugin kind, and the
 * {@link PipelineAssembler} over them. Does no I/O: discovery happened before, into the catalog.
 */
public final class PluginModule extends AbstractModule {
    private final PluginCatalog catalog;

    public PluginModule(PluginCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    protected void configure() {
        bind(PluginCatalog.class).toInstance(catalog);
        bindKind(PluginKind.SDE, SdeFactory.class);
        bindKind(PluginKind.MODEL, ModelFactory.class);
        bindKind(PluginKind.PREDICTOR, PredictorFactory.class);
        bindKind(PluginKind.CORRECTOR, CorrectorFactory.class);
        bindKind(PluginKind.SOLVER, SolverFactory.class);
        bindKind(PluginKind.SCHEDULE, ScheduleFactory.class);
        bindKind(PluginKind.GUIDANCE, GuidanceFactory.class);
        bindKind(PluginKind.DATASET, DatasetFactory.class);
        bindKind(PluginKind.OPERATOR, OperatorFactory.class);
        bindKind(PluginKind.METHOD, MethodFactory.class);
    }

    private <F extends PluginFactory<?>> void bindKind(PluginKind kind, Class<F> type) {
        MapBinder<String, F> binder = MapBinder.newMapBinder(binder(), TypeLiteral.get(String.class),
                TypeLiteral.get(type));
        catalog.factories(kind, type).forEach((name, f) -> binder.addBinding(name).toInstance(f));
    }

    @Provides
    @Singleton
    Registries registries(Map<String, SdeFactory> sdes, Map<String, ModelFactory> models,
            Map<String, PredictorFactory> predictors, Map<String, CorrectorFactory> correctors,
            Map<String, SolverFactory> solvers, Map<String, ScheduleFactory> schedules,
            Map<String, GuidanceFactory> guidances, Map<String, DatasetFactory> datasets,
            Map<String, OperatorFactory> operators, Map<String, MethodFactory> methods) {
        return new Registries(sdes, models, predictors, correctors, solvers, schedules, guidances, datasets, operators,
                methods);
    }

    @Provides
    @Singleton
    PipelineAssembler assembler(Registries registries) {
        return new PipelineAssembler(registries);
    }
}
