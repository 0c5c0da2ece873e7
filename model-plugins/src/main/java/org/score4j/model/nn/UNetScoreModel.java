package org.score4j.model.nn;

import java.util.Locale;
import org.score4j.api.model.Parameterization;

/**
 * A score model for images computed by a U-Net (see {@link UNetNetwork} for the layers): the network maps
 * (x_t, t[, class]) to an output that {@link Parameterization} turns into the score (Song et al. 2021, §3.3).
 *
 * <p>Parameters, initialization, saving and loading and the score function are those of every network model
 * (see {@link NetworkScoreModel}). With K = {@link #numClasses()} &gt; 0 the score of a conditioning naming
 * class c feeds the network label c, and an unconditional row the null label K; a class {@code >= K} is refused,
 * and so is an unconditional row when the null label was never trained ({@link #hasUnconditionalScore()} false,
 * as a checkpoint trained without label dropout records). Not thread-safe.
 */
public final class UNetScoreModel extends NetworkScoreModel {
    private final UNetArchitecture arch;

    /**
     * A new, untrained model (parameters from seed 0).
     *
     * @param fourierScale the standard deviation of the Fourier frequencies (embedding {@code fourier})
     * @param nullLabelTrained whether the null label was trained (ignored without classes)
     */
    UNetScoreModel(UNetArchitecture arch, double fourierScale, Parameterization parameterization,
            boolean nullLabelTrained) {
        super(UNetModelFactory.NAME, arch.sampleShape(), arch.numClasses(), nullLabelTrained, parameterization,
                () -> new UNetNetwork(arch, fourierScale),
                arch.describe(parameterization.name().toLowerCase(Locale.ROOT)));
        this.arch = arch;
    }

    /** The network's layout. */
    UNetArchitecture architecture() {
        return arch;
    }
}
