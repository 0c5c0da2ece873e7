package org.score4j.runner.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.score4j.runner.testing.PluginJars;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.event.RunEvent;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.PluginKind;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.SampleResult;

class PluginJarDiscoveryTest {
    /** The documented example plugin (docs/example-plugin), relative to the runner module. */
    static final Path EXAMPLE = Path.of("..", "docs", "example-plugin", "src", "main");

    @Test
    void discoversTheExamplePluginJarAndSamplesWithIt(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = PluginJars.build(EXAMPLE.resolve("java"), EXAMPLE.resolve("resources"),
                plugins.resolve("cosine.jar"), dir);
        Score4j s = Score4j.create(plugins);
        assertThat(s.catalog().of(PluginKind.SDE)).containsKey("cosine-vp");
        assertThat(s.catalog().of(PluginKind.SDE).get("cosine-vp").source()).isEqualTo(jar.toString());
        assertThat(s.catalog().of(PluginKind.SDE)).containsKeys("vp", "ve", "subvp");

        PipelineSpec spec = PipelineSpec.defaults().withSde(PluginRef.of("cosine-vp"))
                .withSolver(PluginRef.of("ode").with("method", "heun")).withSteps(50).withN(64);
        List<RunEvent> events = new java.util.ArrayList<>();
        SampleResult r = s.sample(spec, events::add);
        assertThat(r.n()).isEqualTo(64);
        for (float v : r.data()) {
            assertThat(Float.isFinite(v)).isTrue();
        }
        assertThat(events.get(events.size() - 1).type()).isEqualTo("completed");
    }

    @Test
    void refusesAPluginBuiltForAnotherApiMajor(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.buildFromSource("org.other.Future", """
                package org.other;
                public final class Future implements org.score4j.api.plugin.Score4jPlugin {
                    public int apiMajor() { return 99; }
                }
                """, plugins.resolve("future.jar"), dir);
        assertThatThrownBy(() -> Score4j.create(plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("future.jar")
                .hasMessageContaining("API 99")
                .hasMessageContaining("this is API " + org.score4j.api.ApiVersion.MAJOR);
    }

    @Test
    void refusesADuplicateNameNamingBothSources(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.buildFromSource("org.other.Dup", """
                package org.other;
                import java.util.List;
                import java.util.Map;
                import org.score4j.api.plugin.*;
                import org.score4j.api.sde.Sde;
                public final class Dup implements Score4jPlugin {
                    public int apiMajor() { return org.score4j.api.ApiVersion.MAJOR; }
                    public List<SdeFactory> sdes() {
                        return List.of(new SdeFactory() {
                            public String name() { return "vp"; }
                            public String description() { return "another vp"; }
                            public Map<String, ConfigKey> configKeys() { return Map.of(); }
                            public Sde create(PluginConfig c) { throw new UnsupportedOperationException(); }
                        });
                    }
                }
                """, plugins.resolve("dup.jar"), dir);
        assertThatThrownBy(() -> Score4j.create(plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("duplicate sde 'vp'")
                .hasMessageContaining("dup.jar")
                .hasMessageContaining("sde-plugins");
    }

    @Test
    void reportsABrokenJarAndAMissingDirectory(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.buildFromSource("org.other.Broken", """
                package org.other;
                public final class Broken implements org.score4j.api.plugin.Score4jPlugin {
                    public Broken() { throw new IllegalStateException("boom"); }
                    public int apiMajor() { return org.score4j.api.ApiVersion.MAJOR; }
                }
                """, plugins.resolve("broken.jar"), dir);
        assertThatThrownBy(() -> Score4j.create(plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("broken.jar");
        assertThatThrownBy(() -> Score4j.create(dir.resolve("nope")))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("does not exist");
    }
}
