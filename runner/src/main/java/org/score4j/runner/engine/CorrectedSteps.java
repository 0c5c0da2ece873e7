package org.score4j.runner.engine;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.score4j.api.guidance.StateCorrection;
import org.score4j.api.model.Conditioning;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.Step;

/**
 * Applies the {@link StateCorrection}s of a pipeline's guidances after every predictor and corrector update,
 * by decorating the predictor and corrector a predictor–corrector solver receives in its context: the solver
 * itself is unchanged. A predictor's update is corrected at its new time, a corrector's at its own time. The
 * arrays a correction replaces are closed (never the update's input).
 */
final class CorrectedSteps {
    private CorrectedSteps() {}

    static Predictor predictor(Predictor inner, List<StateCorrection> corrections) {
        return new Predictor() {
            @Override
            public Step predict(NDArray x, double t, double tNext, Sde sde,
                    org.score4j.api.model.ScoreFunction score, Conditioning cond, NoiseSource noise) {
                Step s = inner.predict(x, t, tNext, sde, score, cond, noise);
                return correct(s, x, tNext, sde, cond, noise, corrections);
            }

            @Override
            public String toString() {
                return inner + " corrected by " + corrections;
            }
        };
    }

    static Corrector corrector(Corrector inner, List<StateCorrection> corrections) {
        return new Corrector() {
            @Override
            public Step correct(NDArray x, double t, Sde sde, org.score4j.api.model.ScoreFunction score,
                    Conditioning cond, NoiseSource noise) {
                Step s = inner.correct(x, t, sde, score, cond, noise);
                return CorrectedSteps.correct(s, x, t, sde, cond, noise, corrections);
            }

            @Override
            public String toString() {
                return inner + " corrected by " + corrections;
            }
        };
    }

    private static Step correct(Step s, NDArray input, double t, Sde sde, Conditioning cond, NoiseSource noise,
            List<StateCorrection> corrections) {
        for (StateCorrection c : corrections) {
            Step next = c.correct(s, t, sde, cond, noise);
            if (next != s) {
                release(s.x(), input, next);
                if (s.mean() != s.x()) {
                    release(s.mean(), input, next);
                }
            }
            s = next;
        }
        return s;
    }

    private static void release(NDArray a, NDArray input, Step kept) {
        if (a != input && a != kept.x() && a != kept.mean()) {
            a.close();
        }
    }
}
