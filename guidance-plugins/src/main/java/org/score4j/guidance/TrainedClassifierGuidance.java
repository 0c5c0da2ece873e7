package org.score4j.guidance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.ClassifierArchitecture;
import org.score4j.model.nn.ClassifierCheckpoint;

/**
 * Classifier guidance with a trained noisy classifier (Song et al. 2021, §5, eq. 14 and Appendix I; Dhariwal
 * &amp; Nichol 2021, §4.1): s̃(x, t) = s(x, t) + γ·∇ₓ log p_φ(y = c | x, t), the gradient taken by DJL autograd
 * through a classifier written by {@code score4j train-classifier} ({@code --set guidance.classifier=DIR}),
 * with each row's own time.
 *
 * <p><b>Checks before any work.</b> The folder must hold a time-conditioned classifier whose parameters verify
 * against the manifest, and the class must be one of its classes (when the guidance is created); the model's
 * sample shape must be the classifier's, and the pipeline's SDE must have the marginals m(t), σ(t) the
 * classifier was trained under (compared at the times the manifest records, relative tolerance 1e-6) and the
 * same t0 and t_end (when it wraps the score). The model need not be class-conditional.
 *
 * <p><b>Composition</b> is additive as for {@link ClassifierGuidance}: the wrapped score is evaluated with the
 * caller's conditioning, and γ times the gradient is added to it. The gradient is detached: the guided score
 * cannot itself be differentiated again (a likelihood of a pipeline guided by a trained classifier is
 * refused when it tries).
 *
 * <p><b>Resources.</b> The guidance holds the classifier's parameters; {@link #close()} releases them (the
 * runner's pipeline closes guidances that are {@link AutoCloseable}). Score functions it returned must not be
 * used afterwards. Thread-safe: gradient recording is serialized process-wide (see
 * {@link Classifier#gradLogProbability}).
 */
public final class TrainedClassifierGuidance implements Guidance, AutoCloseable {
    private static final double MARGINAL_TOLERANCE = 1e-6;

    private final double scale;
    private final int label;
    private final ClassifierCheckpoint checkpoint;
    private final Classifier classifier;

    /**
     * Loads the classifier of {@code dir}.
     *
     * @throws ConfigException when the folder is missing or not a noisy classifier, its parameters do not verify,
     *     the class is not one of its classes, or the scale is outside [0, 100]
     */
    public TrainedClassifierGuidance(double scale, int label, Path dir) {
        Keys.checkScale(ClassifierGuidance.NAME, scale);
        Keys.checkClass(ClassifierGuidance.NAME, label);
        ClassifierCheckpoint ck = ClassifierCheckpoint.read(dir, "guidance.classifier");
        ClassifierArchitecture arch = ck.architecture();
        if (!arch.timeConditioned()) {
            throw new ConfigException("guidance.classifier '" + dir + "' is a clean classifier (it reads no time t); "
                    + "guidance needs a noisy classifier p_t(y|x_t) written by score4j train-classifier");
        }
        if (label >= arch.classes()) {
            throw new ConfigException("guidance.class " + label + " is not a class of guidance.classifier '" + dir
                    + "'; expected an integer in [0, " + (arch.classes() - 1) + "]");
        }
        if (ck.section("sde").isEmpty()) {
            throw new ConfigException("guidance.classifier '" + dir + "': the manifest records no sde; expected a "
                    + "classifier folder written by score4j train-classifier");
        }
        this.scale = scale;
        this.label = label;
        this.checkpoint = ck;
        this.classifier = ck.load();
    }

    /** The guidance scale γ. */
    public double scale() {
        return scale;
    }

    /** The class c. */
    public int label() {
        return label;
    }

    /** The classifier folder. */
    public Path classifierDir() {
        return checkpoint.dir();
    }

    /**
     * Adds γ·∇ₓ log p_t(c | x) of the trained classifier to {@code inner}.
     *
     * @throws ConfigException when the model's sample shape or the SDE differs from the classifier's, or when
     *     {@code inner} is evaluated unconditionally (it is not a cfg) and the model has no unconditional score
     */
    @Override
    public ScoreFunction wrap(ScoreFunction inner, ScoreModel model, Sde sde) {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sde, "sde");
        String where = "guidance.classifier '" + checkpoint.dir() + "'";
        ClassifierArchitecture arch = classifier.architecture();
        if (!model.sampleShape().equals(arch.sampleShape())) {
            throw new ConfigException(where + " reads examples of shape " + arch.sampleShape() + ", the model's are "
                    + model.sampleShape() + "; train a classifier on data of the model's shape");
        }
        checkSde(where, sde);
        if (!(inner instanceof GuidedScore g && g.replacesConditioning())) {
            Keys.requireUnconditional("guidance classifier (added to the unconditional score)", model,
                    "wrap guidance cfg with guidance.scale=1 (class-conditional samples) first");
        }
        return new Guided(inner, classifier, scale, label);
    }

    private void checkSde(String where, Sde sde) {
        Map<?, ?> s = checkpoint.section("sde").orElseThrow();
        String trained = "sde '" + s.get("name") + "' " + s.get("config");
        String hint = "; sample with the SDE the classifier was trained under (" + trained + ")";
        if (!(s.get("t0") instanceof Number t0) || !(s.get("t_end") instanceof Number tEnd)
                || !(s.get("marginals") instanceof List<?> marginals)) {
            throw new ConfigException(where + ": the manifest's sde entry has no t0, t_end and marginals");
        }
        if (!close(t0.doubleValue(), sde.t0()) || !close(tEnd.doubleValue(), sde.tEnd())) {
            throw new ConfigException(String.format(Locale.ROOT, "%s was trained on t in [%s, %s], the pipeline's SDE "
                    + "runs on [%s, %s]%s", where, t0, tEnd, sde.t0(), sde.tEnd(), hint));
        }
        for (Object row : marginals) {
            if (!(row instanceof List<?> r) || r.size() != 3 || !(r.get(0) instanceof Number t)
                    || !(r.get(1) instanceof Number m) || !(r.get(2) instanceof Number std)) {
                throw new ConfigException(where + ": the manifest's sde marginals are not [t, m(t), sigma(t)] rows");
            }
            Marginal mine = sde.marginal(t.doubleValue());
            if (!close(m.doubleValue(), mine.mean()) || !close(std.doubleValue(), mine.std())) {
                throw new ConfigException(String.format(Locale.ROOT, "%s was trained under other marginals: at t=%.4g "
                        + "it has m=%.6g, sigma=%.6g, the pipeline's SDE m=%.6g, sigma=%.6g%s", where, t.doubleValue(),
                        m.doubleValue(), std.doubleValue(), mine.mean(), mine.std(), hint));
            }
        }
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= MARGINAL_TOLERANCE * Math.max(1e-12, Math.max(Math.abs(a), Math.abs(b)));
    }

    /** Releases the classifier's parameters. */
    @Override
    public void close() {
        classifier.close();
    }

    @Override
    public String toString() {
        return "classifier(scale=" + scale + ", class " + label + ", " + checkpoint.dir() + ")";
    }

    /** The guided score function. */
    private static final class Guided implements GuidedScore {
        @Override
        public DataType gradientType() {
            return inner.gradientType();
        }

        private final ScoreFunction inner;
        private final Classifier classifier;
        private final double gamma;
        private final int label;

        Guided(ScoreFunction inner, Classifier classifier, double gamma, int label) {
            this.inner = inner;
            this.classifier = classifier;
            this.gamma = gamma;
            this.label = label;
        }

        @Override
        public boolean replacesConditioning() {
            return inner instanceof GuidedScore g && g.replacesConditioning();
        }

        @Override
        public NDArray score(NDArray x, double t, Conditioning given) {
            NDArray base = inner.score(x, t, given);
            return gamma == 0 ? base : add(x, base, new double[] {t});
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning given) {
            NDArray base = inner.score(x, t, given);
            if (gamma == 0) {
                return base;
            }
            int n = Math.toIntExact(x.getShape().get(0));
            if (t.getShape().dimension() != 1 || t.getShape().get(0) != n) {
                throw new IllegalArgumentException("times must have shape (" + n + "), got " + t.getShape());
            }
            double[] ts;
            NDArray t64 = t.toType(DataType.FLOAT64, false);
            try {
                ts = t64.toDoubleArray();
            } finally {
                if (t64 != t) {
                    t64.close();
                }
            }
            return add(x, base, ts);
        }

        /** base + γ·∇ₓ log p_t(c | x); closes the intermediates (never x). */
        private NDArray add(NDArray x, NDArray base, double[] times) {
            try (NDArray grad = classifier.gradLogProbability(x, times, label)) {
                NDArray g = grad.getDataType() == base.getDataType() ? grad : grad.toType(base.getDataType(), false);
                try {
                    if (gamma == 1) {
                        return base.add(g);
                    }
                    try (NDArray scaled = g.mul(gamma)) {
                        return base.add(scaled);
                    }
                } finally {
                    if (g != grad) {
                        g.close();
                    }
                }
            } finally {
                if (base != x) {
                    base.close();
                }
            }
        }

        @Override
        public String toString() {
            return "classifier(scale=" + gamma + ", class " + label + ", " + classifier + ") of " + inner;
        }
    }
}
