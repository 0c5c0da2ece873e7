package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.train.ClassifierTrainer;
import org.score4j.runner.train.NoisyClassifierTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code score4j train-classifier}: a noisy classifier for classifier guidance (see {@link NoisyClassifierTraining}). */
@Command(name = "train-classifier", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a noisy classifier p_t(y | x_t) for classifier guidance: cross-entropy on labelled "
                + "data perturbed by the SDE's marginal, x_t = m(t) x0 + sigma(t) z with t ~ U[eps, T]; the "
                + "classifier (a small CNN for images, an MLP for vectors) reads t through a sinusoidal embedding.",
                "Writes a classifier folder (manifest.json, classifier.params) for the classifier guidance's "
                        + "'classifier' key, e.g. in a pipeline file: guidance: {name: classifier, classifier: DIR, "
                        + "class: C, scale: 2} (sample with the same SDE)."})
final class TrainClassifierCommand implements Callable<Integer> {
    static final List<String> SET_KINDS = List.of("data", "sde");

    @ParentCommand
    Main main;

    @Option(names = "--data", required = true, paramLabel = "NAME", description = "Labelled data set.")
    String data;

    @Option(names = "--sde", paramLabel = "NAME", description = "Forward SDE (default vp); sample with the same one.")
    String sde = "vp";

    @Option(names = "--set", paramLabel = "KIND.KEY=VALUE",
            description = "A plugin setting, e.g. --set data.path=x.npy or --set sde.beta_max=20 (kinds: data, sde). "
                    + "Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--iterations", paramLabel = "N",
            description = "Iterations (default " + NoisyClassifierTraining.DEFAULT_ITERATIONS + ").")
    int iterations = NoisyClassifierTraining.DEFAULT_ITERATIONS;

    @Option(names = "--batch", paramLabel = "B",
            description = "Examples per iteration (default " + ClassifierTrainer.DEFAULT_BATCH + ").")
    int batch = ClassifierTrainer.DEFAULT_BATCH;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate (default 1e-3).")
    double lr = ClassifierTrainer.DEFAULT_LR;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default 0). Same seed, same weights.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder; must not exist or be empty.")
    Path out;

    @Option(names = "--no-progress", description = "No progress bar (it shows only on a terminal anyway).")
    boolean noProgress;

    @Override
    public Integer call() {
        Map<String, Map<String, String>> byKind = parseSets(sets);
        NoisyClassifierTraining.Spec spec = new NoisyClassifierTraining.Spec(
                new PluginRef(data, byKind.getOrDefault("data", Map.of())),
                new PluginRef(sde, byKind.getOrDefault("sde", Map.of())), iterations,
                new ClassifierTrainer.Settings(batch, lr, seed));
        TrainingBar bar = TrainingBar.onStderr(!noProgress && System.console() != null);
        NoisyClassifierTraining.Outcome o;
        try {
            o = new NoisyClassifierTraining(main.score4j().assembler().registries()).train(spec, out, bar);
        } finally {
            bar.finish();
        }
        main.out.printf(Locale.ROOT, "trained %s for %d iterations in %.1f s; loss %.4f, accuracy %.3f on the "
                + "perturbed training batches (last 100 iterations); wrote %s%n", o.architecture().describe(),
                o.result().iterations(), o.result().seconds(), o.result().loss(), o.result().accuracy(), o.dir());
        return 0;
    }

    private static Map<String, Map<String, String>> parseSets(List<String> sets) {
        Map<String, Map<String, String>> byKind = new TreeMap<>();
        for (String raw : sets) {
            int eq = raw.indexOf('=');
            int dot = raw.indexOf('.');
            if (eq < 0 || dot < 0 || dot > eq || dot == 0 || dot == eq - 1) {
                throw new ConfigException("invalid --set '" + raw + "'; expected kind.key=value, e.g. data.path=x.npy");
            }
            String kind = raw.substring(0, dot);
            if (!SET_KINDS.contains(kind)) {
                throw new ConfigException("invalid --set '" + raw + "': unknown kind '" + kind + "'; kinds: "
                        + String.join(", ", SET_KINDS));
            }
            byKind.computeIfAbsent(kind, k -> new TreeMap<>()).put(raw.substring(dot + 1, eq), raw.substring(eq + 1));
        }
        return byKind;
    }
}
