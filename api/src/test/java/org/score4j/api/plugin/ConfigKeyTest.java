package org.score4j.api.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;

class ConfigKeyTest {
    private static Map<String, ConfigKey> keys() {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("snr", ConfigKey.ofPositiveDouble("snr", 0.16, 10, "signal-to-noise ratio"));
        k.put("n_steps", ConfigKey.ofInt("n_steps", 1, 1, 100, "steps"));
        k.put("method", ConfigKey.ofChoice("method", "rk45", List.of("euler", "rk45"), "method"));
        k.put("denoise", ConfigKey.ofBoolean("denoise", true, "final denoising"));
        k.put("spec", ConfigKey.ofPath("spec", null, "file"));
        return k;
    }

    @Test
    void defaultsAndOverrides() {
        PluginConfig c = PluginConfig.of("corrector langevin", keys(), Map.of("snr", "0.2", "method", "euler"));
        assertThat(c.getDouble("snr")).isEqualTo(0.2);
        assertThat(c.getInt("n_steps")).isEqualTo(1);
        assertThat(c.getString("method")).isEqualTo("euler");
        assertThat(c.getBoolean("denoise")).isTrue();
        assertThat(c.find("spec")).isEmpty();
    }

    @Test
    void rejectsUnknownKeysNamingKnownOnes() {
        assertThatThrownBy(() -> PluginConfig.of("corrector langevin", keys(), Map.of("snrr", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("corrector.snrr")
                .hasMessageContaining("known keys: denoise, method, n_steps, snr, spec");
    }

    @Test
    void rejectsBadValues() {
        for (String[] kv : new String[][] {{"snr", "NaN"}, {"snr", "0"}, {"snr", "-1"}, {"snr", "abc"},
                {"snr", "Infinity"}, {"n_steps", "0"}, {"n_steps", "1.5"}, {"method", "rk4"}, {"denoise", "yes"}}) {
            assertThatThrownBy(() -> PluginConfig.of("corrector langevin", keys(), Map.of(kv[0], kv[1])))
                    .as(kv[0] + "=" + kv[1])
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("corrector." + kv[0])
                    .hasMessageContaining("expected");
        }
    }

    @Test
    void rejectsInvalidDefaultAtDeclaration() {
        assertThatThrownBy(() -> ConfigKey.ofInt("k", 0, 1, 5, "h")).isInstanceOf(ConfigException.class);
    }
}
