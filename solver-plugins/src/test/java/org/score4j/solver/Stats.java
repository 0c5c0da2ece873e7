package org.score4j.solver;

/** Pooled moments of a batch of i.i.d. coordinates. */
record Stats(double mean, double variance, int count) {

    static Stats of(float[] v) {
        double m = 0;
        for (float x : v) {
            m += x;
        }
        m /= v.length;
        double q = 0;
        for (float x : v) {
            q += (x - m) * (x - m);
        }
        return new Stats(m, q / (v.length - 1), v.length);
    }

    /** Standard error of the mean for a true variance {@code var}. */
    static double meanError(double var, int count) {
        return Math.sqrt(var / count);
    }

    /** Relative standard error of a Gaussian sample variance. */
    static double varianceError(int count) {
        return Math.sqrt(2.0 / (count - 1));
    }
}
