package org.score4j.model.gmm;

import org.score4j.api.sde.Sde;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/** The SDEs model tests run on: the sde-plugins' VP and VE with score_sde's defaults. */
final class TestSdes {
    private TestSdes() {}

    /** VP SDE with β(t) linear from 0.1 to 20 on [1e-3, 1]. */
    static final Sde VP = VpSde.defaults();

    /** VE SDE with σ(t) = 0.01·5000^t on [1e-3, 1]. */
    static final Sde VE = VeSde.defaults();
}
