package org.score4j.model.gmm;

import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

/** Minimal forward SDEs for tests (Song et al. 2021, Appendix B), independent of the sde-plugins module. */
final class TestSdes {
    private TestSdes() {}

    /** VP SDE with β(t) linear from 0.1 to 20 on [1e-3, 1]. */
    static final Sde VP = new Sde() {
        private static final double B0 = 0.1;
        private static final double B1 = 20;

        @Override
        public double t0() {
            return 1e-3;
        }

        @Override
        public double tEnd() {
            return 1;
        }

        @Override
        public double driftCoefficient(double t) {
            return -0.5 * (B0 + t * (B1 - B0));
        }

        @Override
        public double diffusion(double t) {
            return Math.sqrt(B0 + t * (B1 - B0));
        }

        @Override
        public Marginal marginal(double t) {
            double logM = -0.25 * t * t * (B1 - B0) - 0.5 * t * B0;
            return new Marginal(Math.exp(logM), Math.sqrt(-Math.expm1(2 * logM)));
        }

        @Override
        public double priorStd() {
            return 1;
        }

        @Override
        public String toString() {
            return "vp";
        }
    };

    /** VE SDE with σ(t) = 0.01·(50/0.01)^t on [1e-5, 1]. */
    static final Sde VE = new Sde() {
        private static final double SMIN = 0.01;
        private static final double SMAX = 50;

        @Override
        public double t0() {
            return 1e-5;
        }

        @Override
        public double tEnd() {
            return 1;
        }

        @Override
        public double driftCoefficient(double t) {
            return 0;
        }

        @Override
        public double diffusion(double t) {
            return SMIN * Math.pow(SMAX / SMIN, t) * Math.sqrt(2 * Math.log(SMAX / SMIN));
        }

        @Override
        public Marginal marginal(double t) {
            return new Marginal(1, SMIN * Math.pow(SMAX / SMIN, t));
        }

        @Override
        public double priorStd() {
            return SMAX;
        }

        @Override
        public String toString() {
            return "ve";
        }
    };
}
