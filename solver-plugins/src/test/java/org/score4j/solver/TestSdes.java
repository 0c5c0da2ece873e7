package org.score4j.solver;

import org.score4j.api.sde.Sde;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/** The SDEs solver tests run on: the sde-plugins' VP and VE with score_sde's defaults. */
final class TestSdes {
    private TestSdes() {}

    /** VP (DDPM): β(t) = 0.1 + 19.9t, t in [1e-3, 1], prior N(0, I). */
    static Sde vp() {
        return VpSde.defaults();
    }

    /** VE (SMLD): σ(t) = 0.01·5000^t, t in [1e-3, 1], prior N(0, 50²I). */
    static Sde ve() {
        return VeSde.defaults();
    }
}
