package org.score4j.sde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.SdeFactory;
import org.score4j.api.sde.Sde;

class SdeConfigTest {

    private static Sde create(SdeFactory f, Map<String, String> given) {
        return f.create(PluginConfig.of("sde", f, given));
    }

    @Test
    void defaultsAreScoreSdes() {
        assertThat(create(new VeSde.Factory(), Map.of())).isEqualTo(new VeSde(0.01, 50, 1, 1e-3))
                .isEqualTo(VeSde.defaults());
        assertThat(create(new VpSde.Factory(), Map.of())).isEqualTo(new VpSde(0.1, 20, 1, 1e-3))
                .isEqualTo(VpSde.defaults());
        assertThat(create(new SubVpSde.Factory(), Map.of())).isEqualTo(new SubVpSde(0.1, 20, 1, 1e-3))
                .isEqualTo(SubVpSde.defaults());
        assertThat(new VeSde.Factory().configKeys()).containsOnlyKeys("sigma_min", "sigma_max", "t_end", "eps");
        assertThat(new VpSde.Factory().configKeys().keySet()).containsExactly("beta_min", "beta_max", "t_end", "eps");
    }

    @Test
    void everyKeyIsConfigurable() {
        assertThat(create(new VeSde.Factory(),
                Map.of("sigma_min", "0.002", "sigma_max", "80", "t_end", "2", "eps", "1e-5")))
                .isEqualTo(new VeSde(0.002, 80, 2, 1e-5));
        assertThat(create(new VpSde.Factory(), Map.of("beta_min", "0", "beta_max", "10", "t_end", "0.5", "eps", "0.01")))
                .isEqualTo(new VpSde(0, 10, 0.5, 0.01));
        Sde sub = create(new SubVpSde.Factory(), Map.of("beta_max", "15", "eps", "1e-4"));
        assertThat(sub).isEqualTo(new SubVpSde(0.1, 15, 1, 1e-4));
        assertThat(sub.t0()).isEqualTo(1e-4);
    }

    @Test
    void rejectsInconsistentValuesInOneLine() {
        assertRejected(new VeSde.Factory(), Map.of("sigma_min", "50", "sigma_max", "0.01"), "sigma_min", "sigma_max");
        assertRejected(new VeSde.Factory(), Map.of("sigma_min", "5", "sigma_max", "5"), "sigma_min", "sigma_max");
        assertRejected(new VeSde.Factory(), Map.of("sigma_min", "1e-300", "sigma_max", "1e300", "t_end", "3"),
                "overflows");
        for (SdeFactory f : new SdeFactory[] {new VpSde.Factory(), new SubVpSde.Factory()}) {
            assertRejected(f, Map.of("beta_min", "20", "beta_max", "0.1"), "beta_min", "beta_max");
            assertRejected(f, Map.of("beta_min", "3", "beta_max", "3"), "beta_min", "beta_max");
            assertRejected(f, Map.of("beta_max", "1e4", "t_end", "1"), "underflows");
            assertRejected(f, Map.of("beta_min", "0", "beta_max", "1e-300", "eps", "1e-200"), "eps");
        }
        for (SdeFactory f : new SdeFactory[] {new VeSde.Factory(), new VpSde.Factory(), new SubVpSde.Factory()}) {
            assertRejected(f, Map.of("eps", "1", "t_end", "1"), "eps", "t_end");
            assertRejected(f, Map.of("eps", "2"), "eps", "t_end");
        }
    }

    @Test
    void rejectsOutOfRangeValuesThroughTheKeys() {
        for (String[] kv : new String[][] {{"sigma_min", "0"}, {"sigma_min", "-1"}, {"sigma_max", "NaN"},
                {"t_end", "0"}, {"eps", "-1e-3"}, {"eps", "abc"}, {"sigma", "1"}}) {
            assertThatThrownBy(() -> create(new VeSde.Factory(), Map.of(kv[0], kv[1])))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("sde." + kv[0]);
        }
        for (String[] kv : new String[][] {{"beta_min", "-0.1"}, {"beta_max", "0"}, {"beta_max", "Infinity"}}) {
            assertThatThrownBy(() -> create(new VpSde.Factory(), Map.of(kv[0], kv[1])))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("sde." + kv[0]);
        }
    }

    @Test
    void constructorsCheckWhatTheKeysCheck() {
        assertThatThrownBy(() -> new VeSde(Double.NaN, 50, 1, 1e-3)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sigma_min");
        assertThatThrownBy(() -> new VeSde(0.01, Double.POSITIVE_INFINITY, 1, 1e-3))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sigma_max");
        assertThatThrownBy(() -> new VpSde(-1, 20, 1, 1e-3)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("beta_min");
        assertThatThrownBy(() -> new SubVpSde(0.1, 20, 1, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("eps");
        assertThatThrownBy(() -> new VpSde(0.1, 20, Double.NaN, 1e-3)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("t_end");
    }

    private static void assertRejected(SdeFactory f, Map<String, String> given, String... words) {
        assertThatThrownBy(() -> create(f, given)).as("%s %s", f.name(), given)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sde " + f.name() + ": ")
                .hasMessageContainingAll(words)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
