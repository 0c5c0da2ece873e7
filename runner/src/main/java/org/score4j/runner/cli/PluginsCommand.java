package org.score4j.runner.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.plugin.PluginKind;
import org.score4j.api.plugin.SolverFactory;
import org.score4j.runner.Score4j;
import org.score4j.runner.discovery.Registered;
import org.score4j.runner.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code score4j plugins}: every discovered plugin by kind, with its description and configuration keys. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every discovered plugin by kind with its description and configuration keys.")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print JSON: an object whose keys are the kinds (sde, model, "
            + "predictor, corrector, solver, schedule, guidance, data, operator, method), each a list of {name, "
            + "description, source, "
            + "config: [{name, type, default, allowed, help}]}; solvers also "
            + "uses_predictor_corrector and default_schedule.")
    boolean json;

    @Override
    public Integer call() {
        Score4j s = main.score4j();
        Map<String, Object> all = new LinkedHashMap<>();
        for (PluginKind kind : PluginKind.values()) {
            List<Object> list = new ArrayList<>();
            for (Map.Entry<String, Registered<?>> e : s.catalog().of(kind).entrySet()) {
                list.add(describe(e.getValue()));
            }
            all.put(kind.word(), list);
        }
        if (json) {
            main.out.println(Json.toJson(all));
            return 0;
        }
        for (PluginKind kind : PluginKind.values()) {
            main.out.println(kind.word() + ":");
            for (Map.Entry<String, Registered<?>> e : s.catalog().of(kind).entrySet()) {
                PluginFactory<?> f = e.getValue().factory();
                main.out.printf("  %-20s %s%s%n", e.getKey(), f.description(),
                        f instanceof SolverFactory sf ? " [default schedule: " + sf.defaultSchedule() + "]" : "");
                for (ConfigKey k : f.configKeys().values()) {
                    main.out.printf("      %s.%-16s %s (default %s; %s)%n", kind.word(), k.name(), k.help(),
                            k.defaultValue() == null ? "none" : k.defaultValue(), k.allowed());
                }
            }
        }
        return 0;
    }

    private static Map<String, Object> describe(Registered<?> r) {
        PluginFactory<?> f = r.factory();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("description", f.description());
        m.put("source", r.source());
        if (f instanceof SolverFactory sf) {
            m.put("uses_predictor_corrector", sf.usesPredictorCorrector());
            m.put("default_schedule", sf.defaultSchedule());
        }
        List<Object> keys = new ArrayList<>();
        for (ConfigKey k : f.configKeys().values()) {
            Map<String, Object> km = new LinkedHashMap<>();
            km.put("name", k.name());
            km.put("type", k.type().name().toLowerCase(java.util.Locale.ROOT));
            km.put("default", k.defaultValue());
            km.put("allowed", k.allowed());
            if (!k.choices().isEmpty()) {
                km.put("choices", k.choices());
            }
            km.put("help", k.help());
            keys.add(km);
        }
        m.put("config", keys);
        return m;
    }
}
