package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.runner.eval.Evaluator;
import org.score4j.runner.io.Json;
import org.score4j.runner.train.ClassifierTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code score4j evaluate}: Fréchet distance, confidence and class entropy of images (see {@link Evaluator}). */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure generated images with a classifier trained on the real data set: fd (Fréchet "
                + "distance between Gaussian fits of its penultimate features of the samples and of the real test "
                + "split), confidence (mean top-class probability) and class_entropy (entropy of the predicted-"
                + "class histogram, in nats; ln K when balanced).",
                "The classifier (a small CNN) is trained once on the data set's train split and cached in "
                        + "<data root>/classifiers/<data> (data root: $SCORE4J_DATA or ~/.score4j/data) or "
                        + "--classifier DIR; it is retrained when the cache does not match the data, its settings, "
                        + "--epochs or --seed.",
                "--samples test measures the test split itself: its even-indexed half against its odd-indexed "
                        + "half (the floor of fd for that many samples)."})
final class EvaluateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--samples", required = true, paramLabel = "X.npy|test",
            description = "Samples [n, C, H, W] (or [n, H, W] for one channel), or 'test' for the real test split.")
    String samples;

    @Option(names = "--data", required = true, paramLabel = "NAME",
            description = "Labelled image data set with a train/test split (e.g. mnist, fashion-mnist, npy).")
    String data;

    @Option(names = "--set", paramLabel = "data.KEY=VALUE",
            description = "A data setting, e.g. --set data.path=x.npy (split is chosen by evaluate). Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--scale", paramLabel = "data|model",
            description = "data: the samples are in the data's units (as score4j sample writes them, e.g. [0, 255]) "
                    + "and are mapped with the data set's scaling; model: they are in model space (e.g. [-1, 1]) "
                    + "(default data).")
    String scale = "data";

    @Option(names = "--classifier", paramLabel = "DIR",
            description = "Classifier folder (cache) to use or create (default <data root>/classifiers/<data>).")
    Path classifier;

    @Option(names = "--epochs", paramLabel = "E",
            description = "Training epochs of the classifier (default " + Evaluator.DEFAULT_EPOCHS + ").")
    int epochs = Evaluator.DEFAULT_EPOCHS;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the classifier's training (default 0).")
    long seed;

    @Option(names = "--json", description = "Print the result as one JSON object: fd, confidence, class_entropy, n, "
            + "histogram, classifier_accuracy, …")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar while training the classifier.")
    boolean noProgress;

    @Override
    public Integer call() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String raw : sets) {
            int eq = raw.indexOf('=');
            if (!raw.startsWith("data.") || eq < 0 || eq == "data.".length()) {
                throw new ConfigException("invalid --set '" + raw + "'; evaluate takes data settings only: "
                        + "data.key=value");
            }
            settings.put(raw.substring("data.".length(), eq), raw.substring(eq + 1));
        }
        if (!scale.equals("data") && !scale.equals("model")) {
            throw new ConfigException("invalid value '" + scale + "' for --scale; expected data or model");
        }
        Path samplesFile = samples.equals(Evaluator.TEST) ? null : Path.of(samples);
        Evaluator.Request request = new Evaluator.Request(data, settings, samplesFile, scale.equals("model"),
                classifier, epochs, seed, ClassifierTrainer.DEFAULT_BATCH, ClassifierTrainer.DEFAULT_LR);
        TrainingBar bar = TrainingBar.onStderr(!noProgress && System.console() != null);
        Evaluator.Report r;
        try {
            r = new Evaluator(main.score4j().assembler().registries()).evaluate(request, main.err::println, bar);
        } finally {
            bar.finish();
        }
        if (json) {
            main.out.println(Json.toJson(r.toJson()));
            return 0;
        }
        main.out.printf(Locale.ROOT, "evaluated %d samples (%s) of data '%s' against %d test examples%n", r.n(),
                r.samples(), r.data(), r.referenceN());
        main.out.printf(Locale.ROOT, "classifier     %s (test accuracy %.4f%s)%n", r.classifierDir(),
                r.classifierAccuracy(), r.classifierTrained() ? ", trained now" : ", cached");
        main.out.printf(Locale.ROOT, "fd             %.6g%n", r.fd());
        main.out.printf(Locale.ROOT, "confidence     %.4f   (mean top-class probability)%n", r.confidence());
        main.out.printf(Locale.ROOT, "class_entropy  %.4f nats (ln %d = %.4f when balanced)%n", r.classEntropy(),
                r.histogram().counts().length, r.histogram().maxEntropy());
        main.out.printf(Locale.ROOT, "histogram      %s%n", r.histogram());
        return 0;
    }
}
