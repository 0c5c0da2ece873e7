package org.score4j.runner.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.Score4jException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.api.sde.Transition;
import org.score4j.runner.engine.Pipeline;

/**
 * The baseline of {@code score4j bench}: the fixed-grid samplers written out by hand as plain DJL loops.
 *
 * <p>Each loop uses the pipeline's own score function object, the same {@link PerSampleNoise} draws in the
 * same order, the same update formulas with the same scalar coefficients (so the samples are bit-identical
 * to the runner's) and the same memory discipline — one base manager per batch and one sub-manager per
 * step, with only the new batch moved back out — but none of the runner's machinery: no solver or state
 * objects, no predictor/corrector dispatch, no events, no NFE counting, no finite checks and no early
 * closing of temporaries (the step's sub-manager frees them all at once).
 *
 * <p>Stateless and thread-safe; each call owns its native memory.
 */
public final class BareLoops {
    /** The signal-to-noise ratio of the Langevin corrector both the runner and the bare loop use. */
    public static final double LANGEVIN_SNR = 0.16;

    private BareLoops() {}

    /**
     * Samples {@code pipeline.spec().n()} samples the way the runner samples {@code sampler}, without the
     * runner; returns them row-major as the runner's {@code SampleResult.data()}.
     *
     * @param pipeline assembled from {@code sampler.spec(…)}
     * @throws Score4jException when {@code sampler} has no bare loop
     */
    public static float[] run(BenchSampler sampler, Pipeline pipeline) {
        Sde sde = pipeline.sde();
        ScoreFunction score = pipeline.score();
        double[] times = pipeline.times();
        int steps = times.length - 1;
        int n = pipeline.spec().n();
        int batchSize = Math.min(pipeline.spec().batchSize(), n);
        Shape sampleShape = pipeline.model().sampleShape();
        int d = Math.toIntExact(sampleShape.size());
        float[] out = new float[Math.multiplyExact(n, d)];
        Conditioning cond = Conditioning.NONE;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            NoiseSource noise = PerSampleNoise.create(pipeline.spec().seed(), from, count);
            try (NDManager batchManager = NDManager.newBaseManager()) {
                NDArray x = sde.priorSample(sampleShape, noise, batchManager);
                NDArray result;
                switch (sampler) {
                    case PC:
                        result = pcReverseDiffusionLangevin(x, times, steps, sde, score, cond, noise, sampleShape,
                                batchManager);
                        break;
                    case PC_EULER_MARUYAMA:
                        result = pcEulerMaruyama(x, times, steps, sde, score, cond, noise, sampleShape, batchManager);
                        break;
                    case PC_ANCESTRAL:
                        result = pcAncestral(x, times, steps, sde, score, cond, noise, sampleShape, batchManager);
                        break;
                    case ODE_EULER:
                        result = odeEuler(x, times, steps, sde, score, cond, batchManager);
                        break;
                    case ODE_HEUN:
                        result = odeHeun(x, times, steps, sde, score, cond, batchManager);
                        break;
                    case ODE_RK4:
                        result = odeRk4(x, times, steps, sde, score, cond, batchManager);
                        break;
                    default:
                        throw new Score4jException("sampler " + sampler.id() + " has no bare loop");
                }
                float[] values = (result.getDataType() == DataType.FLOAT32 ? result
                        : result.toType(DataType.FLOAT32, false)).toFloatArray();
                System.arraycopy(values, 0, out, from * d, count * d);
            }
        }
        return out;
    }

    /** Reverse diffusion (Song et al. eq. 46) after one Langevin step ε = 2(r·σ(t))²; returns the last mean. */
    private static NDArray pcReverseDiffusionLangevin(NDArray x, double[] times, int steps, Sde sde,
            ScoreFunction score, Conditioning cond, NoiseSource noise, Shape sampleShape, NDManager batchManager) {
        NDArray mean = null;
        for (int i = 0; i < steps; i++) {
            double t = times[i];
            double tNext = times[i + 1];
            try (NDManager stepManager = batchManager.newSubManager()) {
                x.attach(stepManager);
                // Langevin corrector at t
                double r = LANGEVIN_SNR * sde.marginal(t).std();
                double eps = 2 * r * r;
                NDArray sc = score.score(x, t, cond);
                NDArray xc = x.add(sc.mul(eps))
                        .add(noise.normal(sampleShape, x.getDataType(), stepManager).mul(Math.sqrt(2 * eps)));
                // reverse-diffusion predictor from t to tNext
                Transition tr = sde.transition(tNext, t);
                double a = tr.scale();
                double v = tr.variance();
                NDArray sp = score.score(xc, t, cond);
                NDArray m = xc.mul(2 - a).add(sp.mul(v));
                NDArray next = m.add(noise.normal(sampleShape, xc.getDataType(), stepManager).mul(Math.sqrt(v)));
                next.attach(batchManager);
                if (i == steps - 1) {
                    m.attach(batchManager);
                    mean = m;
                }
                x = next;
            }
        }
        return mean;
    }

    /** Euler–Maruyama on the reverse SDE (Song et al. eq. 6); returns the last mean. */
    private static NDArray pcEulerMaruyama(NDArray x, double[] times, int steps, Sde sde, ScoreFunction score,
            Conditioning cond, NoiseSource noise, Shape sampleShape, NDManager batchManager) {
        NDArray mean = null;
        for (int i = 0; i < steps; i++) {
            double t = times[i];
            double dt = t - times[i + 1];
            try (NDManager stepManager = batchManager.newSubManager()) {
                x.attach(stepManager);
                double f = sde.driftCoefficient(t);
                double g = sde.diffusion(t);
                NDArray s = score.score(x, t, cond);
                NDArray m = x.mul(1 - f * dt).add(s.mul(g * g * dt));
                NDArray next = m.add(noise.normal(sampleShape, x.getDataType(), stepManager).mul(g * Math.sqrt(dt)));
                next.attach(batchManager);
                if (i == steps - 1) {
                    m.attach(batchManager);
                    mean = m;
                }
                x = next;
            }
        }
        return mean;
    }

    /** Ancestral sampling with the posterior variance (Ho et al. 2020 eq. 11); returns the last mean. */
    private static NDArray pcAncestral(NDArray x, double[] times, int steps, Sde sde, ScoreFunction score,
            Conditioning cond, NoiseSource noise, Shape sampleShape, NDManager batchManager) {
        NDArray mean = null;
        for (int i = 0; i < steps; i++) {
            double t = times[i];
            double tNext = times[i + 1];
            try (NDManager stepManager = batchManager.newSubManager()) {
                x.attach(stepManager);
                Transition tr = sde.transition(tNext, t);
                double a = tr.scale();
                double v = tr.variance();
                double st = sde.marginal(t).std();
                double sn = sde.marginal(tNext).std();
                double std = st > 0 ? Math.sqrt(v) * sn / st : 0.0;
                NDArray s = score.score(x, t, cond);
                NDArray m = x.mul(1 / a).add(s.mul(v / a));
                NDArray next = m.add(noise.normal(sampleShape, x.getDataType(), stepManager).mul(std));
                next.attach(batchManager);
                if (i == steps - 1) {
                    m.attach(batchManager);
                    mean = m;
                }
                x = next;
            }
        }
        return mean;
    }

    /** Explicit Euler on the probability-flow ODE (Song et al. eq. 13). */
    private static NDArray odeEuler(NDArray x, double[] times, int steps, Sde sde, ScoreFunction score,
            Conditioning cond, NDManager batchManager) {
        for (int i = 0; i < steps; i++) {
            double t = times[i];
            double h = times[i + 1] - t;
            try (NDManager stepManager = batchManager.newSubManager()) {
                x.attach(stepManager);
                double f = sde.driftCoefficient(t);
                double g = sde.diffusion(t);
                NDArray k = x.mul(f).add(score.score(x, t, cond).mul(-0.5 * g * g));
                NDArray next = x.add(k.mul(h));
                next.attach(batchManager);
                x = next;
            }
        }
        return x;
    }

    /** Heun's method on the probability-flow ODE. */
    private static NDArray odeHeun(NDArray x, double[] times, int steps, Sde sde, ScoreFunction score,
            Conditioning cond, NDManager batchManager) {
        for (int i = 0; i < steps; i++) {
            double t = times[i];
            double tNext = times[i + 1];
            double h = tNext - t;
            try (NDManager stepManager = batchManager.newSubManager()) {
                x.attach(stepManager);
                double f1 = sde.driftCoefficient(t);
                double g1 = sde.diffusion(t);
                NDArray k1 = x.mul(f1).add(score.score(x, t, cond).mul(-0.5 * g1 * g1));
                NDArray xp = x.add(k1.mul(h));
                double f2 = sde.driftCoefficient(tNext);
                double g2 = sde.diffusion(tNext);
                NDArray k2 = xp.mul(f2).add(score.score(xp, tNext, cond).mul(-0.5 * g2 * g2));
                NDArray next = x.add(k1.add(k2).mul(h / 2));
                next.attach(batchManager);
                x = next;
            }
        }
        return x;
    }

    /** Classic fourth-order Runge–Kutta on the probability-flow ODE. */
    private static NDArray odeRk4(NDArray x, double[] times, int steps, Sde sde, ScoreFunction score,
            Conditioning cond, NDManager batchManager) {
        for (int i = 0; i < steps; i++) {
            double t = times[i];
            double tNext = times[i + 1];
            double h = tNext - t;
            double tm = t + h / 2;
            try (NDManager stepManager = batchManager.newSubManager()) {
                x.attach(stepManager);
                double f1 = sde.driftCoefficient(t);
                double g1 = sde.diffusion(t);
                double fm = sde.driftCoefficient(tm);
                double gm = sde.diffusion(tm);
                double f4 = sde.driftCoefficient(tNext);
                double g4 = sde.diffusion(tNext);
                NDArray k1 = x.mul(f1).add(score.score(x, t, cond).mul(-0.5 * g1 * g1));
                NDArray x2 = x.add(k1.mul(h / 2));
                NDArray k2 = x2.mul(fm).add(score.score(x2, tm, cond).mul(-0.5 * gm * gm));
                NDArray x3 = x.add(k2.mul(h / 2));
                NDArray k3 = x3.mul(fm).add(score.score(x3, tm, cond).mul(-0.5 * gm * gm));
                NDArray x4 = x.add(k3.mul(h));
                NDArray k4 = x4.mul(f4).add(score.score(x4, tNext, cond).mul(-0.5 * g4 * g4));
                NDArray next = x.add(k1.add(k4).add(k2.add(k3).mul(2.0)).mul(h / 6));
                next.attach(batchManager);
                x = next;
            }
        }
        return x;
    }
}
