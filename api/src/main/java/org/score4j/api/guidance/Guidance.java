package org.score4j.api.guidance;

import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.sde.Sde;

/**
 * A decorator of the score function (classifier guidance, classifier-free guidance, measurement
 * consistency…). Guidances compose: the pipeline applies them in the order given, each wrapping the result
 * of the previous one. Thread-safe. A guidance that holds native resources (e.g. a trained classifier's
 * parameters) also implements {@link AutoCloseable}; whoever created it closes it after the last use of the
 * score functions it returned (the runner's pipeline does).
 */
@FunctionalInterface
public interface Guidance {
    /**
     * @param inner the score to decorate
     * @param model the pipeline's model (for conditional scores or classifiers it offers)
     * @param sde the pipeline's forward process
     */
    ScoreFunction wrap(ScoreFunction inner, ScoreModel model, Sde sde);
}
