package org.score4j.guidance;

import org.score4j.api.model.ScoreFunction;

/**
 * A score function produced by a guidance of this package, which says how it treats the caller's
 * {@link org.score4j.api.model.Conditioning}; lets a guidance refuse to wrap one whose result would make it a
 * no-op.
 */
interface GuidedScore extends ScoreFunction {
    /**
     * Whether the result ignores the caller's conditioning (directly or through a score it wraps), so that a
     * guidance comparing two conditionings of it would see no difference.
     */
    boolean replacesConditioning();
}
