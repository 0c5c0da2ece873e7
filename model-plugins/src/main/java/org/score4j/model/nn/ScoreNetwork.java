package org.score4j.model.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * The network of a {@link NetworkScoreModel}: a DJL block taking {@code NDList(x, t)} (and, for a
 * class-conditional network, the labels) that also says how each of its parameters starts.
 */
interface ScoreNetwork extends Block {
    /**
     * The initializer of {@code parameter}, one of this network's, drawing from a stream seeded with
     * {@code seed} only (see {@link SeededInit}).
     */
    Initializer initializer(Parameter parameter, long seed);
}
