package org.score4j.solver;

import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

/** Small test-only SDEs with score_sde's default parameters. */
final class TestSdes {
    private TestSdes() {}

    /** VP (DDPM): β(t) = 0.1 + 19.9t, t in [1e-3, 1], prior N(0, I). */
    static Sde vp() {
        return new Vp();
    }

    /** VE (SMLD): σ(t) = 0.01·5000^t, t in [1e-3, 1], prior N(0, 50²I). */
    static Sde ve() {
        return new Ve();
    }

    private static final class Vp implements Sde {
        private static final double BMIN = 0.1;
        private static final double BMAX = 20;

        @Override
        public double t0() {
            return 1e-3;
        }

        @Override
        public double tEnd() {
            return 1;
        }

        private static double beta(double t) {
            return BMIN + t * (BMAX - BMIN);
        }

        @Override
        public double driftCoefficient(double t) {
            return -0.5 * beta(t);
        }

        @Override
        public double diffusion(double t) {
            return Math.sqrt(beta(t));
        }

        @Override
        public Marginal marginal(double t) {
            double logM = -0.25 * t * t * (BMAX - BMIN) - 0.5 * t * BMIN;
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
    }

    private static final class Ve implements Sde {
        private static final double SMIN = 0.01;
        private static final double SMAX = 50;

        @Override
        public double t0() {
            return 1e-3;
        }

        @Override
        public double tEnd() {
            return 1;
        }

        private static double sigma(double t) {
            return SMIN * Math.pow(SMAX / SMIN, t);
        }

        @Override
        public double driftCoefficient(double t) {
            return 0;
        }

        @Override
        public double diffusion(double t) {
            return sigma(t) * Math.sqrt(2 * Math.log(SMAX / SMIN));
        }

        @Override
        public Marginal marginal(double t) {
            return new Marginal(1, sigma(t));
        }

        @Override
        public double priorStd() {
            return SMAX;
        }

        @Override
        public String toString() {
            return "ve";
        }
    }
}
