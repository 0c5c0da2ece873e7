package org.score4j.sde;

import java.util.Map;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.ScheduleFactory;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.TimeSchedule;

/**
 * Quadratically spaced times, t_i = t0 + (T − t0)(1 − i/N)², denser near t0 (the "quadratic" time steps of
 * DDIM, Song, Meng &amp; Ermon 2021, Appendix D.3). No config keys. Stateless and thread-safe.
 */
public record QuadraticSchedule() implements TimeSchedule {

    @Override
    public double[] times(int steps, Sde sde) {
        double t0 = sde.t0();
        double span = sde.tEnd() - t0;
        return TimeGrids.grid(steps, sde, i -> {
            double u = 1 - (double) i / steps;
            return t0 + span * u * u;
        });
    }

    /** The {@code quadratic} plugin. */
    public static final class Factory implements ScheduleFactory {
        @Override
        public String name() {
            return "quadratic";
        }

        @Override
        public String description() {
            return "quadratically spaced times, denser near eps";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return Map.of();
        }

        @Override
        public QuadraticSchedule create(PluginConfig config) {
            return new QuadraticSchedule();
        }
    }
}
