package org.score4j.runner.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.data.Dataset;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.ClassifierArchitecture;
import org.score4j.model.nn.ClassifierCheckpoint;
import org.score4j.runner.engine.Registries;

/**
 * {@code score4j train-classifier}: trains a noisy classifier p_t(y | x_t) for classifier guidance on a labelled
 * data set perturbed by a forward SDE ({@link ClassifierTrainer#trainNoisy}) and writes it as a classifier folder
 * ({@link ClassifierFolder}, read by {@code --set guidance.classifier=DIR}). The manifest records the data
 * shape and classes, the data plugin and the SDE with their effective settings (paths absolute), the SDE's
 * t0, t_end and its marginals m(t), σ(t) on a grid of {@value #MARGINAL_POINTS} times — which guidance
 * compares with the pipeline's SDE — the seed and the training settings and metrics. Stateless apart from its
 * registries.
 */
public final class NoisyClassifierTraining {
    /** Iterations by default. */
    public static final int DEFAULT_ITERATIONS = 2000;
    /** The number of times at which the manifest records the SDE's marginals. */
    public static final int MARGINAL_POINTS = 9;

    private final Registries registries;

    public NoisyClassifierTraining(Registries registries) {
        this.registries = Objects.requireNonNull(registries, "registries");
    }

    /**
     * A run.
     *
     * @param data the labelled data set
     * @param sde the forward SDE
     * @param iterations iterations (&gt; 0)
     * @param settings batch, learning rate and seed
     */
    public record Spec(PluginRef data, PluginRef sde, int iterations, ClassifierTrainer.Settings settings) {
        public Spec {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(sde, "sde");
            Objects.requireNonNull(settings, "settings");
            if (iterations < 1) {
                throw new ConfigException("iterations must be a positive integer, got " + iterations);
            }
        }
    }

    /**
     * What was written.
     *
     * @param dir the classifier folder
     * @param architecture the classifier's architecture
     * @param result the training run
     */
    public record Outcome(Path dir, ClassifierArchitecture architecture, ClassifierTrainer.Result result) {}

    /**
     * Trains and writes the classifier folder {@code out}, which must not exist or be empty. Everything is
     * checked before the first iteration.
     *
     * @throws ConfigException naming what is wrong (unknown plugin, bad setting, unlabelled data, a shape no
     *     classifier reads, an occupied output folder)
     */
    public Outcome train(Spec spec, Path out, Consumer<TrainingProgress> listener) {
        checkOutput(out);
        Map<String, Object> sdeConfig = effective("sde", registries.sdes(), spec.sde());
        Map<String, Object> dataConfig = effective("data", registries.datasets(), spec.data());
        Sde sde = create("sde", registries.sdes(), spec.sde());
        try (Dataset data = create("data", registries.datasets(), spec.data())) {
            if (data.numClasses() < 2) {
                throw new ConfigException("data '" + spec.data().name() + "' is unlabelled (or has one class); a "
                        + "classifier needs class labels (for npy: --set data.labels=LABELS.npy)");
            }
            ClassifierArchitecture arch = ClassifierArchitecture.standard(data.sampleShape(), data.numClasses(), true);
            ClassifierTrainer.labels(data, arch.classes(), "data '" + spec.data().name() + "'");
            try (Classifier c = new Classifier(arch)) {
                ClassifierTrainer.Result r = ClassifierTrainer.trainNoisy(c, data, sde, spec.iterations(),
                        spec.settings(), listener);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("purpose", "guidance: a noisy classifier p_t(y | x_t) (score4j train-classifier)");
                m.put("architecture", arch.toMap());
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("name", spec.data().name());
                d.put("config", dataConfig);
                d.put("sample_shape", Arrays.stream(data.sampleShape().getShape()).boxed().toList());
                d.put("size", data.size());
                d.put("classes", arch.classes());
                Map<String, Object> scaling = new LinkedHashMap<>();
                scaling.put("scale", data.scaling().scale());
                scaling.put("offset", data.scaling().offset());
                d.put("scaling", scaling);
                m.put("data", d);
                m.put("sde", describe(spec.sde().name(), sdeConfig, sde));
                m.put("seed", spec.settings().seed());
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("iterations", r.iterations());
                t.put("batch", spec.settings().batch());
                t.put("lr", spec.settings().learningRate());
                t.put("optimizer", "adam");
                t.put("loss", "cross-entropy on x_t = m(t) x0 + sigma(t) z, t ~ U[t0, t_end]");
                m.put("training", t);
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("train_loss", r.loss());
                metrics.put("train_accuracy", r.accuracy());
                metrics.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
                m.put("metrics", metrics);
                Path dir = ClassifierFolder.write(out, m, c, false);
                return new Outcome(dir, arch, r);
            }
        }
    }

    /** The SDE entry of the manifest: name, config, t0, t_end and marginals [[t, m(t), σ(t)], …]. */
    static Map<String, Object> describe(String name, Map<String, Object> config, Sde sde) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("config", config);
        s.put("t0", sde.t0());
        s.put("t_end", sde.tEnd());
        List<List<Double>> marginals = new ArrayList<>();
        for (int i = 0; i < MARGINAL_POINTS; i++) {
            double t = sde.t0() + (sde.tEnd() - sde.t0()) * i / (MARGINAL_POINTS - 1);
            Marginal mg = sde.marginal(t);
            marginals.add(List.of(t, mg.mean(), mg.std()));
        }
        s.put("marginals", marginals);
        return s;
    }

    private static void checkOutput(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigException("output folder " + out + " is a file; give a folder for --out");
        }
        if (Files.isDirectory(out)) {
            if (Files.exists(out.resolve(ClassifierCheckpoint.MANIFEST))) {
                throw new ConfigException("output folder " + out + " already holds a classifier; give another --out "
                        + "or remove it");
            }
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new ConfigException("output folder " + out + " is not empty; give a new or empty folder "
                            + "for --out");
                }
            } catch (IOException e) {
                throw new Score4jException("cannot read output folder " + out + ": " + e.getMessage(), e);
            }
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new ConfigException("output folder " + out + ": " + parent + " is not a folder");
        }
    }

    private static <F extends PluginFactory<?>> Map<String, Object> effective(String kind, Map<String, F> factories,
            PluginRef ref) {
        F f = factories.get(ref.name());
        if (f == null) {
            throw new UnknownPluginException(kind, ref.name(), factories.keySet());
        }
        return Trainer.effective(kind, f, ref);
    }

    private static <T, F extends PluginFactory<T>> T create(String kind, Map<String, F> factories, PluginRef ref) {
        F f = factories.get(ref.name());
        if (f == null) {
            throw new UnknownPluginException(kind, ref.name(), factories.keySet());
        }
        Map<String, String> text = new TreeMap<>();
        Trainer.effective(kind, f, ref).forEach((k, v) -> text.put(k, String.valueOf(v)));
        T instance;
        try {
            instance = f.create(PluginConfig.of(kind, f, text));
        } catch (Score4jException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(kind + " '" + ref.name() + "' failed to start: " + e, e);
        }
        if (instance == null) {
            throw new ConfigException(kind + " '" + ref.name() + "' created nothing");
        }
        return instance;
    }
}
