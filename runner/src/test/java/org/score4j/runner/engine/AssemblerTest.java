package org.score4j.runner.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

class AssemblerTest {
    private final PipelineAssembler assembler = new PipelineAssembler(TestPlugins.registries(Map.of()));

    @Test
    void unknownNamesListTheAvailableOnes() {
        assertThatThrownBy(() -> assembler.assemble(PipelineSpec.defaults().withSde(PluginRef.of("vpp"))))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessage("unknown sde 'vpp'; available: ddpm, subvp, ve, vp");
        assertThatThrownBy(() -> assembler.assemble(PipelineSpec.defaults().withSolver(PluginRef.of("x"))))
                .isInstanceOf(UnknownPluginException.class).hasMessageContaining("ode, pc");
    }

    @Test
    void predictorWithAnOdeSolverIsAnError() {
        assertThatThrownBy(() -> assembler.assemble(PipelineSpec.defaults().withSolver(PluginRef.of("ode"))
                .withPredictor(PluginRef.of("euler-maruyama"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not use a predictor");
    }

    @Test
    void unknownKeysAndBadValuesAreErrors() {
        assertThatThrownBy(() -> assembler.assemble(PipelineSpec.defaults().withSde(PluginRef.of("vp")
                .with("beta_maxx", "3"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sde.beta_maxx");
        assertThatThrownBy(() -> assembler.assemble(PipelineSpec.defaults().withSolver(PluginRef.of("ode")
                .with("rtol", "NaN"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.rtol");
    }

    @Test
    void describesEffectiveConfigurationIncludingDefaults() {
        try (Pipeline p = assembler.assemble(PipelineSpec.defaults())) {
            Map<String, Object> d = p.describe();
            assertThat(d.get("predictor").toString()).contains("reverse-diffusion");
            assertThat(d.get("corrector").toString()).contains("langevin").contains("snr=0.16");
            assertThat(d.get("sde").toString()).contains("beta_max=20.0");
            assertThat(p.times()).hasSize(1001);
        }
    }
}
