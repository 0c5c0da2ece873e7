package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.Score4j;
import org.score4j.runner.train.Checkpoint;
import org.score4j.runner.train.ScoreMatchingLoss;
import org.score4j.runner.train.Trainer;
import org.score4j.runner.train.TrainingOptions;
import org.score4j.runner.train.TrainingResult;
import org.score4j.runner.train.TrainingSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j train}: fits a trainable score model to a data set by denoising score matching and writes
 * checkpoints (see {@link Trainer} and {@link Checkpoint}), or resumes a run from a checkpoint.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a score network by denoising score matching; write checkpoints and metrics.",
                "With no options: the mlp model on 10,000 draws of the built-in 2-D Gaussian mixture "
                        + "(gmm-samples) under the VP SDE, 2000 iterations of 256 examples, Adam (lr 1e-3), "
                        + "EMA 0.999, seed 0; writes ./training/checkpoint-*/ and ./training/metrics.jsonl.",
                "Sample from the result with: score4j sample --checkpoint training",
                "--cond-dropout P trains one class-conditional network on the data's labels (model.num_classes "
                        + "taken from the data unless set), each label replaced by the null label with "
                        + "probability P, for classifier-free guidance: score4j sample --checkpoint training "
                        + "--guidance cfg --set guidance.class=C [--set guidance.scale=W].",
                "--resume DIR continues a run (DIR: a checkpoint or a run's output folder, whose newest "
                        + "checkpoint is taken) with the settings recorded in it; only --iterations, "
                        + "--checkpoint-every, --keep, --log-every and --out may change."})
final class TrainCommand implements Callable<Integer> {
    static final List<String> SET_KINDS = List.of("data", "model", "sde");

    @ParentCommand
    Main main;

    @Option(names = "--data", paramLabel = "NAME", description = "Data set (default gmm-samples; also npy, mnist, fashion-mnist: score4j data fetch NAME first).")
    String data;

    @Option(names = "--model", paramLabel = "NAME", description = "Trainable model (default mlp; unet for images).")
    String model;

    @Option(names = "--sde", paramLabel = "NAME", description = "Forward SDE (default vp).")
    String sde;

    @Option(names = "--set", paramLabel = "KIND.KEY=VALUE",
            description = "A plugin setting, e.g. --set data.path=x.npy or --set model.width=256 "
                    + "(kinds: data, model, sde). Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--iterations", paramLabel = "N",
            description = "Train up to iteration N, counting those of a resumed checkpoint (default 2000).")
    Integer iterations;

    @Option(names = "--batch", paramLabel = "B", description = "Examples per iteration (default 256).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate (default 1e-3).")
    Double lr;

    @Option(names = "--ema", paramLabel = "D", description = "Decay of the weights' moving average used for "
            + "sampling, in [0, 1) (default 0.999).")
    Double ema;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default 0). Same seed, same weights.")
    Long seed;

    @Option(names = "--loss", paramLabel = "dsm|epsilon",
            description = "dsm: score_sde's denoising score matching with λ(t)=σ(t)², summed over dimensions; "
                    + "epsilon: Ho et al.'s noise-prediction loss, averaged (default dsm).")
    String loss;

    @Option(names = "--grad-clip", paramLabel = "C",
            description = "Clip the global gradient norm at C; 0 disables (default 1).")
    Double gradClip;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear learning-rate warm-up over N iterations "
            + "(default 0).")
    Integer warmup;

    @Option(names = "--cond-dropout", paramLabel = "P",
            description = "Label dropout for classifier-free guidance, in [0, 1): a class-conditional model "
                    + "(model.num_classes=K > 0; when unset and P > 0, the data set's class count) trains on the "
                    + "data's labels, each replaced by the null label K with probability P. 0 (default): no "
                    + "dropout (a K > 0 model then has no unconditional score).")
    Double condDropout;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default ./training; with --resume, "
            + "the resumed run's folder).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from a checkpoint or a run folder.")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "K",
            description = "Write a checkpoint every K iterations and at the end (default 1000).")
    Integer checkpointEvery;

    @Option(names = "--keep", paramLabel = "N", description = "Keep the newest N checkpoints; 0 keeps all "
            + "(default 3).")
    Integer keep;

    @Option(names = "--log-every", paramLabel = "N",
            description = "Write a line of metrics.jsonl every N iterations (default 10).")
    Integer logEvery;

    @Option(names = "--no-progress", description = "No progress bar (it shows only on a terminal anyway).")
    boolean noProgress;

    @Override
    public Integer call() {
        Map<String, Map<String, String>> byKind = parseSets(sets);
        Score4j score4j = main.score4j();
        Trainer trainer = score4j.trainer();
        Checkpoint from = resume == null ? null : Checkpoint.open(resume);
        TrainingSpec base = from == null ? TrainingSpec.defaults() : from.spec();
        TrainingSpec spec = base.withData(ref(base.data(), data, byKind.get("data")))
                .withModel(ref(base.model(), model, byKind.get("model")))
                .withSde(ref(base.sde(), sde, byKind.get("sde")));
        if (batch != null) {
            spec = spec.withBatchSize(batch);
        }
        if (lr != null) {
            spec = spec.withLearningRate(lr);
        }
        if (ema != null) {
            spec = spec.withEmaDecay(ema);
        }
        if (seed != null) {
            spec = spec.withSeed(seed);
        }
        if (loss != null) {
            try {
                spec = spec.withLoss(ScoreMatchingLoss.ofWord(loss));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("invalid value '" + loss + "' for --loss; expected dsm or epsilon");
            }
        }
        if (gradClip != null) {
            spec = spec.withGradClip(gradClip);
        }
        if (warmup != null) {
            spec = spec.withWarmup(warmup);
        }
        if (condDropout != null) {
            if (!(condDropout >= 0 && condDropout < 1)) {
                throw new ConfigException("invalid value '" + condDropout + "' for --cond-dropout; expected a "
                        + "probability in [0, 1)");
            }
            spec = spec.withCondDropout(condDropout);
        }
        TrainingOptions options = TrainingOptions.defaults();
        int target = iterations != null ? iterations
                : from != null ? Math.max(from.iterations(), from.iteration()) : options.iterations();
        options = options.withIterations(target);
        if (checkpointEvery != null) {
            options = options.withCheckpointEvery(checkpointEvery);
        }
        if (keep != null) {
            options = options.withKeep(keep);
        }
        if (logEvery != null) {
            options = options.withLogEvery(logEvery);
        }
        TrainingBar bar = TrainingBar.onStderr(!noProgress && System.console() != null);
        TrainingResult r;
        try {
            if (from == null) {
                r = trainer.train(spec, options, out == null ? Path.of("training") : out, bar);
            } else {
                r = trainer.resume(from, spec, options, out, bar);
            }
        } finally {
            bar.finish();
        }
        main.out.printf(Locale.ROOT, "trained to iteration %d (%d this run) in %.1f s, %.0f it/s; loss %.4f; "
                + "checkpoint %s%n", r.iteration(), r.iterationsRun(), r.seconds(), r.iterationsPerSecond(), r.loss(),
                r.checkpoint());
        return 0;
    }

    /** The plugin of one kind: the base, renamed by a flag (dropping its settings), then {@code --set} merged. */
    private static PluginRef ref(PluginRef base, String name, Map<String, String> settings) {
        PluginRef r = name == null || name.equals(base.name()) ? base : PluginRef.of(name);
        if (settings != null) {
            Map<String, String> m = new TreeMap<>(r.config());
            m.putAll(settings);
            r = new PluginRef(r.name(), m);
        }
        return r;
    }

    static Map<String, Map<String, String>> parseSets(List<String> sets) {
        Map<String, Map<String, String>> byKind = new LinkedHashMap<>();
        for (String raw : sets) {
            int eq = raw.indexOf('=');
            int dot = raw.indexOf('.');
            if (eq < 0 || dot < 0 || dot > eq || dot == 0 || dot == eq - 1) {
                throw new ConfigException("invalid --set '" + raw + "'; expected kind.key=value, e.g. model.width=256");
            }
            String kind = raw.substring(0, dot);
            if (!SET_KINDS.contains(kind)) {
                throw new ConfigException("invalid --set '" + raw + "': unknown kind '" + kind + "'; kinds: "
                        + String.join(", ", SET_KINDS));
            }
            byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(raw.substring(dot + 1, eq),
                    raw.substring(eq + 1));
        }
        return byKind;
    }
}
