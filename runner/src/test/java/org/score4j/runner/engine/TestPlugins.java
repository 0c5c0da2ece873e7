package org.score4j.runner.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Sde;
import org.score4j.runner.discovery.PluginCatalog;
import org.score4j.runner.discovery.PluginLoader;

/** The real plugins from the class path, plus test models that misbehave on purpose. */
final class TestPlugins {
    private TestPlugins() {}

    static Registries registries(Map<String, ModelFactory> extraModels) {
        PluginCatalog c = PluginCatalog.of(PluginLoader.standard().discover(null));
        Map<String, ModelFactory> models = new HashMap<>(c.factories(org.score4j.api.plugin.PluginKind.MODEL,
                ModelFactory.class));
        models.putAll(extraModels);
        return new Registries(
                c.factories(org.score4j.api.plugin.PluginKind.SDE, org.score4j.api.plugin.SdeFactory.class),
                models,
                c.factories(org.score4j.api.plugin.PluginKind.PREDICTOR,
                        org.score4j.api.plugin.PredictorFactory.class),
                c.factories(org.score4j.api.plugin.PluginKind.CORRECTOR,
                        org.score4j.api.plugin.CorrectorFactory.class),
                c.factories(org.score4j.api.plugin.PluginKind.SOLVER, org.score4j.api.plugin.SolverFactory.class),
                c.factories(org.score4j.api.plugin.PluginKind.SCHEDULE,
                        org.score4j.api.plugin.ScheduleFactory.class),
                c.factories(org.score4j.api.plugin.PluginKind.GUIDANCE,
                        org.score4j.api.plugin.GuidanceFactory.class),
                c.factories(org.score4j.api.plugin.PluginKind.DATASET, org.score4j.api.plugin.DatasetFactory.class),
                c.factories(org.score4j.api.plugin.PluginKind.OPERATOR,
                        org.score4j.api.plugin.OperatorFactory.class),
                c.factories(org.score4j.api.plugin.PluginKind.METHOD, org.score4j.api.plugin.MethodFactory.class));
    }

    /**
     * A standard-normal score −x that turns bad on the evaluations {@code bad} selects: {@code nan} makes it
     * return NaN, otherwise it throws.
     */
    static ModelFactory faulty(String name, IntPredicate bad, boolean nan) {
        return new ModelFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "test model";
            }

            @Override
            public Map<String, ConfigKey> configKeys() {
                return new LinkedHashMap<>();
            }

            @Override
            public ScoreModel create(PluginConfig config) {
                int[] calls = {0};
                return new ScoreModel() {
                    @Override
                    public Shape sampleShape() {
                        return new Shape(2);
                    }

                    @Override
                    public ScoreFunction scoreFunction(Sde sde) {
                        return new ScoreFunction() {
                            @Override
                            public NDArray score(NDArray x, NDArray t, Conditioning cond) {
                                return score(x, t.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                                        .toDoubleArray()[0], cond);
                            }

                            @Override
                            public NDArray score(NDArray x, double t, Conditioning cond) {
                                int call = ++calls[0];
                                if (bad.test(call)) {
                                    if (nan) {
                                        return x.mul(Float.NaN);
                                    }
                                    throw new IllegalStateException("model exploded at call " + call);
                                }
                                return x.neg();
                            }
                        };
                    }
                };
            }
        };
    }
}
