package org.score4j.sde;

import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.ScheduleFactory;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.TimeSchedule;

/**
 * Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models"), eq. 5: noise
 * levels λ_i = (λmax^(1/ρ) + i/N (λmin^(1/ρ) − λmax^(1/ρ)))^ρ, i = 0…N, applied to λ(t) = σ(t)/m(t) between
 * λmax = λ(T) and λmin = λ(t0), and mapped back to times by inverting λ.
 *
 * <p>The grid ends at t0 (λmin &gt; 0) instead of appending σ = 0, so i runs over 0…N with i/N where the paper
 * has i/(N − 1). Config key ({@code --schedule karras}): {@code rho} (7). Stateless and thread-safe.
 *
 * @param rho ρ &gt; 0; larger values concentrate the steps at low noise
 */
public record KarrasSchedule(double rho) implements TimeSchedule {

    /** Checks ρ; throws {@link ConfigException} with a one-line message. */
    public KarrasSchedule {
        if (!(rho > 0) || !Double.isFinite(rho)) {
            throw new ConfigException("schedule karras: rho must be a positive finite number, got " + rho);
        }
    }

    @Override
    public double[] times(int steps, Sde sde) {
        double hi = Math.exp(TimeGrids.logNoiseLevel(sde, sde.tEnd()) / rho);
        double lo = Math.exp(TimeGrids.logNoiseLevel(sde, sde.t0()) / rho);
        return TimeGrids.grid(steps, sde,
                i -> TimeGrids.timeOfLogNoiseLevel(sde, rho * Math.log(hi + (double) i / steps * (lo - hi))));
    }

    /** The {@code karras} plugin. */
    public static final class Factory implements ScheduleFactory {
        private static final Map<String, ConfigKey> KEYS = Config.ordered(ConfigKey.ofPositiveDouble("rho", 7,
                Double.POSITIVE_INFINITY, "ρ, the exponent of the spacing; larger concentrates steps at low noise"));

        @Override
        public String name() {
            return "karras";
        }

        @Override
        public String description() {
            return "Karras et al. 2022 noise levels (ρ = 7), mapped to times by inverting σ(t)/m(t)";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public KarrasSchedule create(PluginConfig config) {
            return new KarrasSchedule(config.getDouble("rho"));
        }
    }
}
