package org.score4j.sde;

import java.util.Map;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.ScheduleFactory;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.TimeSchedule;

/**
 * Times equally spaced in the half log-SNR log(m(t)/σ(t)) between its values at T and at t0, mapped back to
 * times by inverting it (the "logSNR" steps of DPM-Solver, Lu et al. 2022, §3.3). No config keys. Stateless
 * and thread-safe.
 */
public record LogSnrSchedule() implements TimeSchedule {

    @Override
    public double[] times(int steps, Sde sde) {
        // log(m/σ) = −log λ: equal steps in one are equal steps in the other
        double hi = TimeGrids.logNoiseLevel(sde, sde.tEnd());
        double lo = TimeGrids.logNoiseLevel(sde, sde.t0());
        return TimeGrids.grid(steps, sde,
                i -> TimeGrids.timeOfLogNoiseLevel(sde, hi + (double) i / steps * (lo - hi)));
    }

    /** The {@code logsnr} plugin. */
    public static final class Factory implements ScheduleFactory {
        @Override
        public String name() {
            return "logsnr";
        }

        @Override
        public String description() {
            return "times equally spaced in log-SNR log(m/σ)";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return Map.of();
        }

        @Override
        public LogSnrSchedule create(PluginConfig config) {
            return new LogSnrSchedule();
        }
    }
}
