package com.example.cosine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.score4j.api.ApiVersion;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.api.plugin.SdeFactory;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

/** A plugin jar with one forward process: the variance-preserving SDE of the cosine schedule. */
public final class CosinePlugin implements Score4jPlugin {
    @Override
    public int apiMajor() {
        return ApiVersion.MAJOR;
    }

    @Override
    public List<SdeFactory> sdes() {
        return List.of(new CosineVpFactory());
    }

    /** Creates {@link CosineVp}; key {@code offset} is the schedule's small offset s. */
    static final class CosineVpFactory implements SdeFactory {
        @Override
        public String name() {
            return "cosine-vp";
        }

        @Override
        public String description() {
            return "VP SDE with the cosine schedule of Nichol & Dhariwal (2021)";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            Map<String, ConfigKey> keys = new LinkedHashMap<>();
            keys.put("offset", ConfigKey.ofDouble("offset", 0.008, 0, 0.5, "the offset s of the schedule"));
            keys.put("eps", ConfigKey.ofPositiveDouble("eps", 1e-3, 0.5, "the earliest sampling time"));
            return keys;
        }

        @Override
        public Sde create(PluginConfig config) {
            double s = config.getDouble("offset");
            double eps = config.getDouble("eps");
            if (s == 0 && eps < 1e-4) {
                throw new ConfigException("sde.eps must be >= 1e-4 when sde.offset is 0");
            }
            return new CosineVp(s, eps);
        }
    }

    /**
     * The cosine schedule (Nichol &amp; Dhariwal 2021, eq. 17) as a continuous VP SDE: m(t) = cos(φ(t))/cos(φ(0))
     * with φ(t) = (t+s)/(1+s)·π/2, σ(t)² = 1 − m(t)², f(t) = d log m/dt and g(t)² = −2 f(t). T = 0.999 keeps
     * g finite (φ(1) = π/2 would make it infinite).
     */
    static final class CosineVp implements Sde {
        private final double s;
        private final double eps;

        CosineVp(double s, double eps) {
            this.s = s;
            this.eps = eps;
        }

        private double phi(double t) {
            return (t + s) / (1 + s) * Math.PI / 2;
        }

        @Override
        public double t0() {
            return eps;
        }

        @Override
        public double tEnd() {
            return 0.999;
        }

        @Override
        public double driftCoefficient(double t) {
            return -Math.tan(phi(t)) * Math.PI / (2 * (1 + s));
        }

        @Override
        public double diffusion(double t) {
            return Math.sqrt(-2 * driftCoefficient(t));
        }

        @Override
        public Marginal marginal(double t) {
            double m = Math.cos(phi(t)) / Math.cos(phi(0));
            return new Marginal(m, Math.sqrt(Math.max(0, 1 - m * m)));
        }

        @Override
        public double priorStd() {
            return 1;
        }
    }
}
