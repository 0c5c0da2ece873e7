package org.score4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VpSde;

/**
 * Guidances that need the unconditional score refuse, when wrapping, a class-conditional model that has none (a
 * network trained without label dropout); class-conditional sampling (cfg at scale 1) still works.
 */
class UnconditionalScoreRequirementTest {
    private static final Sde VP = VpSde.defaults();

    /** The exact mixture's class scores, from a model that says it has no unconditional score. */
    private static final class ConditionalOnly implements ScoreModel {
        private final GmmScoreModel inner = new GmmScoreModel(GaussianMixture.defaultMixture());

        @Override
        public Shape sampleShape() {
            return inner.sampleShape();
        }

        @Override
        public ScoreFunction scoreFunction(Sde sde) {
            return inner.scoreFunction(sde);
        }

        @Override
        public int numClasses() {
            return inner.numClasses();
        }

        @Override
        public boolean hasUnconditionalScore() {
            return false;
        }
    }

    @Test
    void guidancesNeedingTheUnconditionalScoreAreRefused() {
        ConditionalOnly m = new ConditionalOnly();
        ScoreFunction s = m.scoreFunction(VP);
        for (double scale : new double[] {0, 0.5, 2, 7.5}) {
            assertThatThrownBy(() -> new ClassifierFreeGuidance(scale, 1, 0).wrap(s, m, VP))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("guidance.scale=" + scale)
                    .hasMessageContaining("needs the unconditional score")
                    .hasMessageContaining("use guidance.scale=1");
        }
        assertThatThrownBy(() -> new ClassifierGuidance(2, 1).wrap(s, m, VP)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs the unconditional score");
        ScoreFunction conditional = new ClassifierFreeGuidance(1, 1, 0).wrap(s, m, VP);
        assertThat(conditional).isNotNull();
        // the exact classifier added to class-conditional scores still reads the model's unconditional score
        assertThatThrownBy(() -> new ClassifierGuidance(2, 0).wrap(conditional, m, VP))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs the unconditional score");
        // a model that has it is accepted at every scale
        GmmScoreModel full = new GmmScoreModel(GaussianMixture.defaultMixture());
        assertThat(full.hasUnconditionalScore()).isTrue();
        assertThat(new ClassifierFreeGuidance(2, 1, 0).wrap(full.scoreFunction(VP), full, VP)).isNotNull();
    }
}
