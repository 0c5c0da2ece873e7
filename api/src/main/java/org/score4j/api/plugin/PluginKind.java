package org.score4j.api.plugin;

import java.util.List;
import java.util.function.Function;

/** The kinds of plugin, with the word users see ({@code sde}, {@code model}, …) and how to list them. */
public enum PluginKind {
    SDE("sde", SdeFactory.class, Score4jPlugin::sdes),
    MODEL("model", ModelFactory.class, Score4jPlugin::models),
    PREDICTOR("predictor", PredictorFactory.class, Score4jPlugin::predictors),
    CORRECTOR("corrector", CorrectorFactory.class, Score4jPlugin::correctors),
    SOLVER("solver", SolverFactory.class, Score4jPlugin::solvers),
    SCHEDULE("schedule", ScheduleFactory.class, Score4jPlugin::schedules),
    GUIDANCE("guidance", GuidanceFactory.class, Score4jPlugin::guidances),
    /** Training data sets; the word is {@code data}, as in {@code --data} and {@code --set data.key=value}. */
    DATASET("data", DatasetFactory.class, Score4jPlugin::datasets),
    /** Measurement operators of inverse problems (API 1.4). */
    OPERATOR("operator", OperatorFactory.class, Score4jPlugin::operators),
    /** Posterior sampling methods of inverse problems (API 1.4). */
    METHOD("method", MethodFactory.class, Score4jPlugin::methods);

    private final String word;
    private final Class<? extends PluginFactory<?>> factoryType;
    private final Function<Score4jPlugin, List<? extends PluginFactory<?>>> lister;

    PluginKind(String word, Class<? extends PluginFactory<?>> factoryType,
            Function<Score4jPlugin, List<? extends PluginFactory<?>>> lister) {
        this.word = word;
        this.factoryType = factoryType;
        this.lister = lister;
    }

    /** The user-facing word, e.g. {@code "sde"}. */
    public String word() {
        return word;
    }

    /** The factory interface of this kind. */
    public Class<? extends PluginFactory<?>> factoryType() {
        return factoryType;
    }

    /** The factories of this kind a plugin declares. */
    public List<? extends PluginFactory<?>> factoriesOf(Score4jPlugin plugin) {
        return lister.apply(plugin);
    }

    /** The kind whose word is {@code word}, or {@code null}. */
    public static PluginKind ofWord(String word) {
        for (PluginKind k : values()) {
            if (k.word.equals(word)) {
                return k;
            }
        }
        return null;
    }
}
