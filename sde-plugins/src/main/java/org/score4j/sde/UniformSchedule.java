package org.score4j.sde;

import java.util.Map;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.ScheduleFactory;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.TimeSchedule;

/**
 * Equally spaced times, t_i = t0 + (T − t0)(1 − i/N) (score_sde's {@code linspace(T, eps, N)}, Song et al.
 * 2021, Algorithm 2). No config keys. Stateless and thread-safe.
 */
public record UniformSchedule() implements TimeSchedule {

    @Override
    public double[] times(int steps, Sde sde) {
        double t0 = sde.t0();
        double span = sde.tEnd() - t0;
        return TimeGrids.grid(steps, sde, i -> t0 + span * (1 - (double) i / steps));
    }

    /** The {@code uniform} plugin. */
    public static final class Factory implements ScheduleFactory {
        @Override
        public String name() {
            return "uniform";
        }

        @Override
        public String description() {
            return "equally spaced times from t_end to eps";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return Map.of();
        }

        @Override
        public UniformSchedule create(PluginConfig config) {
            return new UniformSchedule();
        }
    }
}
