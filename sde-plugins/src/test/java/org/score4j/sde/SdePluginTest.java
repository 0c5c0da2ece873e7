package org.score4j.sde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.score4j.api.ApiVersion;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.plugin.PluginKind;
import org.score4j.api.plugin.Score4jPlugin;

class SdePluginTest {

    @Test
    void isFoundByTheServiceLoader() {
        List<Score4jPlugin> plugins = ServiceLoader.load(Score4jPlugin.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(plugins).hasSize(1).first().isInstanceOf(SdePlugin.class);
        assertThat(plugins.get(0).apiMajor()).isEqualTo(ApiVersion.MAJOR);
    }

    @Test
    void declaresTheSdesAndSchedules() {
        SdePlugin plugin = new SdePlugin();
        assertThat(plugin.sdes()).extracting(PluginFactory::name).containsExactly("ve", "vp", "subvp", "ddpm");
        assertThat(plugin.schedules()).extracting(PluginFactory::name)
                .containsExactly("uniform", "quadratic", "karras", "logsnr");
        for (PluginKind kind : PluginKind.values()) {
            for (PluginFactory<?> f : kind.factoriesOf(plugin)) {
                assertThat(f.name()).matches("[a-z][a-z0-9-]*");
                assertThat(f.description()).isNotBlank().doesNotContain("\n");
                assertThat(f.create(PluginConfig.of(kind.word(), f, java.util.Map.of()))).as(f.name()).isNotNull();
            }
        }
        assertThat(plugin.models()).isEmpty();
    }
}
