package org.score4j.runner.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ConfigType;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.model.data.DataRoot;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.ClassifierArchitecture;
import org.score4j.model.nn.ClassifierCheckpoint;
import org.score4j.runner.engine.Registries;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.train.ClassifierFolder;
import org.score4j.runner.train.ClassifierTrainer;
import org.score4j.runner.train.Trainer;
import org.score4j.runner.train.TrainingProgress;

/**
 * {@code score4j evaluate}: measures a set of generated images with a classifier trained on the real data.
 *
 * <p><b>The classifier.</b> A small CNN ({@link ClassifierArchitecture#standard}) trained once with
 * {@link ClassifierTrainer#trainClean} on the data set's {@code split=train} part and cached in a classifier
 * folder ({@link ClassifierCheckpoint}): by default {@code <data root>/classifiers/<data set name>}, the data
 * root being {@code $SCORE4J_DATA} or {@code ~/.score4j/data}. The manifest records the data set's name and
 * effective configuration (without {@code split}), the number of training examples and a SHA-256 of their
 * values and labels, the architecture, the seed, the epochs, batch and learning rate, the test accuracy and
 * the parameters' SHA-256. The cached classifier is used when all of these match and the parameters verify;
 * otherwise it is retrained and the folder replaced atomically.
 *
 * <p><b>The measures.</b>
 * <ul>
 *   <li>{@code fd}: the Fréchet distance ({@link FrechetDistance}) between Gaussian fits of the classifier's
 *       penultimate features of the samples and of the real {@code split=test} part — an FID computed with a
 *       data-set-specific network instead of Inception;</li>
 *   <li>{@code confidence}: the mean top-class probability max_k p(k | x) over the samples;</li>
 *   <li>{@code class_entropy}: the entropy in nats of the predicted-class histogram ({@link ClassHistogram}),
 *       ln K for perfectly balanced classes.</li>
 * </ul>
 * With {@code samples = test} the test part measures itself: its even-indexed examples are evaluated against
 * its odd-indexed ones as the reference (disjoint halves), so {@code fd} is the floor reachable with that many
 * samples rather than a trivial 0.
 *
 * <p>Samples are read from a {@code .npy} of shape [n, C, H, W] (or [n, H, W] for one channel) in the data's
 * units (as {@code score4j sample} writes them) and mapped to model space with the data set's
 * {@link DataScaling}, or taken as they are with {@code modelScale}. Stateless apart from its registries.
 */
public final class Evaluator {
    /** The {@code --samples} word for the data set's own test part. */
    public static final String TEST = "test";
    /** Epochs of the evaluation classifier by default. */
    public static final int DEFAULT_EPOCHS = 2;
    /** The environment variable naming the data root ({@link DataRoot#ENV}). */
    public static final String DATA_ROOT_ENV = DataRoot.ENV;

    private static final int INFERENCE_BATCH = 256;

    private final Registries registries;

    public Evaluator(Registries registries) {
        this.registries = Objects.requireNonNull(registries, "registries");
    }

    /**
     * What to evaluate.
     *
     * @param data the data plugin's name
     * @param dataSettings its settings ({@code --set data.key=value}); {@code split} is chosen here
     * @param samples the samples file, or {@code null} for the test part itself
     * @param modelScale whether the samples are in model space rather than the data's units
     * @param classifier the classifier folder, or {@code null} for the default cache folder
     * @param epochs training epochs of the classifier (part of the cache key)
     * @param seed the classifier's training seed (part of the cache key)
     * @param batch its batch size (part of the cache key)
     * @param learningRate its Adam learning rate (part of the cache key)
     */
    public record Request(String data, Map<String, String> dataSettings, Path samples, boolean modelScale,
            Path classifier, int epochs, long seed, int batch, double learningRate) {
        public Request {
            Objects.requireNonNull(data, "data");
            dataSettings = Map.copyOf(dataSettings);
        }
    }

    /**
     * The measures.
     *
     * @param n the number of samples evaluated
     * @param fd the Fréchet distance of their features to the reference's
     * @param confidence their mean top-class probability
     * @param histogram their predicted classes
     * @param referenceN the number of reference (test) examples
     * @param classifierAccuracy the classifier's accuracy on the whole test part
     * @param classifierDir the classifier folder
     * @param classifierTrained whether the classifier was (re)trained by this evaluation
     * @param samples what was evaluated: the file, or {@code test (even-indexed half)}
     * @param data the data set's name
     */
    public record Report(int n, double fd, double confidence, ClassHistogram histogram, int referenceN,
            double classifierAccuracy, Path classifierDir, boolean classifierTrained, String samples, String data) {
        /** The entropy of the histogram in nats. */
        public double classEntropy() {
            return histogram.entropy();
        }

        /** The JSON object {@code score4j evaluate --json} prints. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("fd", fd);
            m.put("confidence", confidence);
            m.put("class_entropy", classEntropy());
            m.put("class_entropy_max", histogram.maxEntropy());
            m.put("histogram", histogram.toList());
            m.put("reference_n", referenceN);
            m.put("classifier_accuracy", classifierAccuracy);
            m.put("classifier", classifierDir.toString());
            m.put("classifier_trained", classifierTrained);
            m.put("samples", samples);
            m.put("data", data);
            return m;
        }
    }

    /** The data root: {@code $SCORE4J_DATA}, else {@code ~/.score4j/data} (see {@link DataRoot}). */
    public static Path dataRoot(Map<String, String> env, Path home) {
        return DataRoot.of(env, home);
    }

    /** The default classifier folder of data set {@code data}: {@code <data root>/classifiers/<data>}. */
    public static Path defaultClassifierFolder(String data, Map<String, String> env, Path home) {
        return dataRoot(env, home).resolve("classifiers").resolve(data);
    }

    /**
     * Evaluates. Everything that can be checked before training is: the data plugin and settings, that the
     * data set is labelled and image-shaped, the samples file and its shape.
     *
     * @param notes receives one-line notes (training the classifier, why it was retrained)
     * @param progress receives the classifier's training progress
     * @throws ConfigException (exit code 2) naming what is wrong
     */
    public Report evaluate(Request request, Consumer<String> notes, Consumer<TrainingProgress> progress) {
        DatasetFactory factory = registries.datasets().get(request.data());
        if (factory == null) {
            throw new UnknownPluginException("data", request.data(), registries.datasets().keySet());
        }
        if (request.dataSettings().containsKey("split")) {
            throw new ConfigException("evaluate chooses data.split itself (train for the classifier, test for the "
                    + "reference); remove --set data.split");
        }
        if (request.epochs() < 1) {
            throw new ConfigException("invalid value '" + request.epochs() + "' for --epochs; expected an integer >= 1");
        }
        new ClassifierTrainer.Settings(request.batch(), request.learningRate(), request.seed());
        ConfigKey split = factory.configKeys().get("split");
        if (split == null || split.type() != ConfigType.CHOICE || !split.choices().containsAll(List.of("train",
                TEST))) {
            throw new ConfigException("data '" + request.data() + "' has no train/test split (a 'split' key with "
                    + "train and test); evaluate needs one");
        }
        PluginRef trainRef = ref(request, "train");
        PluginRef testRef = ref(request, TEST);
        Map<String, Object> config = new TreeMap<>(Trainer.effective("data", factory, trainRef));
        config.remove("split");
        try (Dataset test = createDataset(factory, testRef)) {
            Shape shape = checkImages(request.data(), test);
            float[] samples = request.samples() == null ? null : readSamples(request, shape, test.scaling(), notes);
            Path dir = request.classifier() != null ? request.classifier()
                    : defaultClassifierFolder(request.data(), System.getenv(), Path.of(System.getProperty("user.home")));
            Obtained obtained = obtainClassifier(request, factory, trainRef, config, test, dir, notes, progress);
            try (Classifier classifier = obtained.classifier()) {
                int k = classifier.architecture().classes();
                int m = test.size();
                ClassifierOutputs evaluated;
                ClassifierOutputs reference;
                String what;
                if (samples == null) {
                    int[] even = new int[(m + 1) / 2];
                    int[] odd = new int[m / 2];
                    for (int i = 0; i < m; i++) {
                        if (i % 2 == 0) {
                            even[i / 2] = i;
                        } else {
                            odd[i / 2] = i;
                        }
                    }
                    if (odd.length < 2) {
                        throw new ConfigException("data '" + request.data() + "' has " + m + " test examples; "
                                + "--samples test needs at least 4");
                    }
                    evaluated = ClassifierOutputs.compute(classifier, even.length, ClassifierOutputs.of(test, even),
                            INFERENCE_BATCH);
                    reference = ClassifierOutputs.compute(classifier, odd.length, ClassifierOutputs.of(test, odd),
                            INFERENCE_BATCH);
                    what = "test (even-indexed half)";
                } else {
                    int n = Math.toIntExact(samples.length / shape.size());
                    int[] all = new int[m];
                    Arrays.setAll(all, i -> i);
                    evaluated = ClassifierOutputs.compute(classifier, n, ClassifierOutputs.of(samples, shape),
                            INFERENCE_BATCH);
                    reference = ClassifierOutputs.compute(classifier, m, ClassifierOutputs.of(test, all),
                            INFERENCE_BATCH);
                    what = request.samples().toString();
                }
                double fd = FrechetDistance.between(evaluated.gaussian(), reference.gaussian());
                return new Report(evaluated.n(), fd, evaluated.confidence(), evaluated.histogram(k), reference.n(),
                        obtained.testAccuracy(), obtained.dir(), obtained.trained(), what, request.data());
            }
        }
    }

    private static PluginRef ref(Request request, String split) {
        Map<String, String> c = new TreeMap<>(request.dataSettings());
        c.put("split", split);
        return new PluginRef(request.data(), c);
    }

    /**
     * Creates the data set {@code ref} names with {@code factory}.
     *
     * @throws ConfigException when the plugin fails to start or creates nothing
     */
    public static Dataset createDataset(DatasetFactory factory, PluginRef ref) {
        Dataset d;
        try {
            d = factory.create(PluginConfig.of("data", factory, ref.config()));
        } catch (Score4jException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException("data '" + ref.name() + "' failed to start: " + e, e);
        }
        if (d == null) {
            throw new ConfigException("data '" + ref.name() + "' created nothing");
        }
        return d;
    }

    private static Shape checkImages(String name, Dataset test) {
        Shape s = test.sampleShape();
        if (s.dimension() != 3 || s.get(1) < 4 || s.get(2) < 4) {
            throw new ConfigException("data '" + name + "' has examples of shape " + s + "; evaluate needs images "
                    + "(C, H, W) of at least 4x4 pixels");
        }
        if (test.numClasses() < 2) {
            throw new ConfigException("data '" + name + "' is unlabelled; evaluate needs class labels to train its "
                    + "classifier (for npy: --set data.labels=LABELS.npy)");
        }
        if (test.size() < 2) {
            throw new ConfigException("data '" + name + "' has " + test.size() + " test example(s); evaluate needs "
                    + "at least 2");
        }
        return s;
    }

    /** The samples in model space, row-major. */
    private static float[] readSamples(Request request, Shape shape, DataScaling scaling, Consumer<String> notes) {
        Path file = request.samples();
        if (!Files.exists(file)) {
            throw new ConfigException("samples file " + file + " does not exist");
        }
        NpyArray a = Npy.read(file);
        long[] s = a.shape();
        long[] img = shape.getShape();
        boolean full = s.length == 4 && s[1] == img[0] && s[2] == img[1] && s[3] == img[2];
        boolean gray = img[0] == 1 && s.length == 3 && s[1] == img[1] && s[2] == img[2];
        String expected = "[n, " + img[0] + ", " + img[1] + ", " + img[2] + "]" + (img[0] == 1
                ? " or [n, " + img[1] + ", " + img[2] + "]" : "");
        if (!full && !gray) {
            throw new ConfigException("samples file " + file + " has shape " + Arrays.toString(s) + "; data '"
                    + request.data() + "' has images of shape " + shape + ", so expected " + expected);
        }
        if (s[0] < 2) {
            throw new ConfigException("samples file " + file + " holds " + s[0] + " sample(s); the Fréchet distance "
                    + "needs at least 2");
        }
        double[] v = a.asDoubles();
        float[] out = new float[v.length];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new ConfigException("samples file " + file + " holds a non-finite value (" + v[i]
                        + ") in sample " + i / shape.size());
            }
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
            out[i] = (float) (request.modelScale() ? v[i] : scaling.toModel(v[i]));
        }
        if (!request.modelScale() && !scaling.equals(DataScaling.IDENTITY) && lo >= -1.5 && hi <= 1.5) {
            notes.accept(String.format(Locale.ROOT, "note: the samples lie in [%.3g, %.3g], as model-space values "
                    + "would; they are read in the data's units (mapped with scale %.6g, offset %.6g) — if they are "
                    + "in model space, use --scale model", lo, hi, scaling.scale(), scaling.offset()));
        }
        return out;
    }

    /** A loaded classifier and where it came from. */
    private record Obtained(Classifier classifier, Path dir, boolean trained, double testAccuracy) {}

    private Obtained obtainClassifier(Request request, DatasetFactory factory, PluginRef trainRef,
            Map<String, Object> config, Dataset test, Path dir, Consumer<String> notes,
            Consumer<TrainingProgress> progress) {
        try (Dataset train = createDataset(factory, trainRef)) {
            if (!train.sampleShape().equals(test.sampleShape())) {
                throw new ConfigException("data '" + request.data() + "' gives train examples of shape "
                        + train.sampleShape() + " and test examples of shape " + test.sampleShape());
            }
            int classes = Math.max(train.numClasses(), test.numClasses());
            ClassifierArchitecture arch = ClassifierArchitecture.standard(train.sampleShape(), classes, false);
            ClassifierTrainer.Settings settings = new ClassifierTrainer.Settings(request.batch(),
                    request.learningRate(), request.seed());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("name", request.data());
            data.put("config", textValues(config));
            data.put("train_examples", train.size());
            data.put("train_sha256", fingerprint(train));
            data.put("test_examples", test.size());
            data.put("classes", classes);
            Map<String, Object> scaling = new LinkedHashMap<>();
            scaling.put("scale", train.scaling().scale());
            scaling.put("offset", train.scaling().offset());
            data.put("scaling", scaling);
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("epochs", request.epochs());
            training.put("batch", settings.batch());
            training.put("lr", settings.learningRate());
            training.put("optimizer", "adam");
            training.put("loss", "cross-entropy");

            String reason = mismatch(dir, arch, data, training, request.seed());
            if (reason == null) {
                ClassifierCheckpoint ck = ClassifierCheckpoint.read(dir, "classifier");
                Map<?, ?> metrics = ck.section("metrics").orElse(Map.of());
                double acc = metrics.get("test_accuracy") instanceof Number a ? a.doubleValue() : Double.NaN;
                return new Obtained(ck.load(), ck.dir(), false, acc);
            }
            notes.accept("training the evaluation classifier of data '" + request.data() + "' (" + arch.describe()
                    + ", " + request.epochs() + " epoch(s) over " + train.size() + " examples) into " + dir + ": "
                    + reason);
            Classifier c = new Classifier(arch);
            try {
                ClassifierTrainer.Result r = ClassifierTrainer.trainClean(c, train, request.epochs(), settings,
                        progress);
                double acc = ClassifierTrainer.accuracy(c, test, INFERENCE_BATCH);
                Map<String, Object> manifest = new LinkedHashMap<>();
                manifest.put("purpose", "evaluation (score4j evaluate): a clean classifier p(y | x)");
                manifest.put("architecture", arch.toMap());
                manifest.put("data", data);
                manifest.put("seed", request.seed());
                training.put("iterations", r.iterations());
                manifest.put("training", training);
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("test_accuracy", acc);
                metrics.put("train_loss", r.loss());
                metrics.put("train_accuracy", r.accuracy());
                metrics.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
                manifest.put("metrics", metrics);
                Path written = ClassifierFolder.write(dir, manifest, c, true);
                notes.accept(String.format(Locale.ROOT, "classifier trained in %.1f s; test accuracy %.4f", r.seconds(),
                        acc));
                return new Obtained(c, written, true, acc);
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }

    /**
     * Why the folder's classifier cannot be used for this request, or {@code null} when it can (manifest
     * matching and parameters verified).
     */
    private static String mismatch(Path dir, ClassifierArchitecture arch, Map<String, Object> data,
            Map<String, Object> training, long seed) {
        if (!Files.exists(dir.resolve(ClassifierCheckpoint.MANIFEST))) {
            return "no cached classifier";
        }
        ClassifierCheckpoint ck;
        try {
            ck = ClassifierCheckpoint.read(dir, "classifier");
        } catch (ConfigException e) {
            return "the cached one is unreadable (" + e.getMessage() + ")";
        }
        if (!ck.architecture().equals(arch)) {
            return "the cached one has another architecture (" + ck.architecture().describe() + ")";
        }
        Map<?, ?> theirs = ck.section("data").orElse(Map.of());
        for (Map.Entry<String, Object> e : data.entrySet()) {
            if (e.getKey().equals("test_examples")) {
                continue;
            }
            if (!String.valueOf(theirs.get(e.getKey())).equals(String.valueOf(e.getValue()))) {
                return "the cached one was trained with another data." + e.getKey() + " (" + theirs.get(e.getKey())
                        + ", now " + e.getValue() + ")";
            }
        }
        if (!(ck.manifest().get("seed") instanceof Number s) || s.longValue() != seed) {
            return "the cached one was trained with seed " + ck.manifest().get("seed") + ", now " + seed;
        }
        Map<?, ?> t = ck.section("training").orElse(Map.of());
        for (Map.Entry<String, Object> e : training.entrySet()) {
            if (!String.valueOf(t.get(e.getKey())).equals(String.valueOf(e.getValue()))) {
                return "the cached one was trained with " + e.getKey() + " " + t.get(e.getKey()) + ", now "
                        + e.getValue();
            }
        }
        try {
            ck.verify();
        } catch (ConfigException e) {
            return "the cached one is corrupt (" + e.getMessage() + ")";
        }
        return null;
    }

    /** Config values as text (what JSON gives back after a round trip, compared as strings). */
    private static Map<String, Object> textValues(Map<String, Object> config) {
        Map<String, Object> m = new TreeMap<>();
        config.forEach((k, v) -> m.put(k, v == null ? null : String.valueOf(v)));
        return m;
    }

    /** SHA-256 of every example's float32 values (little-endian) and label, in order. */
    static String fingerprint(Dataset data) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        int n = data.size();
        int chunk = 1024;
        try (NDManager root = NDManager.newBaseManager()) {
            for (int from = 0; from < n; from += chunk) {
                int count = Math.min(chunk, n - from);
                int[] idx = new int[count];
                for (int i = 0; i < count; i++) {
                    idx[i] = from + i;
                }
                try (NDManager step = root.newSubManager()) {
                    NDArray x = data.batch(idx, step);
                    float[] v = x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                    ByteBuffer buf = ByteBuffer.allocate(v.length * 4 + count * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(v);
                    buf.position(v.length * 4);
                    for (int l : data.labels(idx)) {
                        buf.putInt(l);
                    }
                    md.update(buf.array());
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
