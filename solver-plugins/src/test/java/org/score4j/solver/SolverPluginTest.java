package org.score4j.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.score4j.api.ApiVersion;
import org.score4j.api.ConfigException;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.api.plugin.SolverFactory;

class SolverPluginTest {
    private final SolverPlugin plugin = new SolverPlugin();

    private static <T extends PluginFactory<?>> T find(List<T> factories, String name) {
        return factories.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> names(List<? extends PluginFactory<?>> factories) {
        return factories.stream().map(PluginFactory::name).collect(Collectors.toList());
    }

    @Test
    void discoveredThroughServiceLoader() {
        List<Score4jPlugin> found = ServiceLoader.load(Score4jPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof SolverPlugin).collect(Collectors.toList());
        assertThat(found).hasSize(1);
        assertThat(found.get(0).apiMajor()).isEqualTo(ApiVersion.MAJOR);
    }

    @Test
    void declaresItsFactories() {
        assertThat(names(plugin.predictors()))
                .containsExactly("euler-maruyama", "reverse-diffusion", "ancestral", "none");
        assertThat(names(plugin.correctors())).containsExactly("langevin", "annealed-langevin", "none");
        assertThat(names(plugin.solvers())).containsExactly("pc", "ode", "ddim", "dpm-solver-pp", "edm");
        assertThat(find(plugin.solvers(), "pc").usesPredictorCorrector()).isTrue();
        assertThat(find(plugin.solvers(), "ode").usesPredictorCorrector()).isFalse();
        Stream.of(plugin.predictors(), plugin.correctors(), plugin.solvers()).flatMap(List::stream).forEach(f -> {
            assertThat(f.name()).matches("[a-z][a-z0-9-]*");
            assertThat(f.description()).isNotBlank().doesNotContain("\n");
            f.configKeys().forEach((k, v) -> assertThat(v.name()).isEqualTo(k));
        });
        assertThat(find(plugin.solvers(), "ode").configKeys().keySet())
                .containsExactly("method", "rtol", "atol", "max_steps");
        assertThat(find(plugin.correctors(), "langevin").configKeys().keySet()).containsExactly("snr", "n_steps");
        assertThat(find(plugin.correctors(), "annealed-langevin").configKeys().keySet())
                .containsExactly("step_size", "n_steps");
    }

    @Test
    void createsConfiguredInstances() {
        SolverFactory ode = find(plugin.solvers(), "ode");
        assertThat(ode.create(PluginConfig.of("solver", ode, Map.of()))).isInstanceOf(DormandPrinceSolver.class);
        DormandPrinceSolver rk45 = (DormandPrinceSolver) ode.create(
                PluginConfig.of("solver", ode, Map.of("rtol", "1e-3", "atol", "2e-4", "max_steps", "50")));
        assertThat(rk45.rtol()).isEqualTo(1e-3);
        assertThat(rk45.atol()).isEqualTo(2e-4);
        assertThat(rk45.maxSteps()).isEqualTo(50);
        assertThat(ode.create(PluginConfig.of("solver", ode, Map.of("method", "euler"))))
                .isInstanceOf(EulerOdeSolver.class);
        assertThat(ode.create(PluginConfig.of("solver", ode, Map.of("method", "heun"))))
                .isInstanceOf(HeunOdeSolver.class);
        assertThat(ode.create(PluginConfig.of("solver", ode, Map.of("method", "rk4"))))
                .isInstanceOf(Rk4OdeSolver.class);

        SolverFactory pc = find(plugin.solvers(), "pc");
        assertThat(((PcSolver) pc.create(PluginConfig.of("solver", pc, Map.of()))).denoise()).isTrue();
        assertThat(((PcSolver) pc.create(PluginConfig.of("solver", pc, Map.of("denoise", "false")))).denoise())
                .isFalse();

        var anc = find(plugin.predictors(), "ancestral");
        assertThat(((AncestralPredictor) anc.create(PluginConfig.of("predictor", anc, Map.of()))).variance())
                .isEqualTo(AncestralPredictor.Variance.POSTERIOR);
        assertThat(((AncestralPredictor) anc.create(PluginConfig.of("predictor", anc,
                Map.of("variance", "transition")))).variance()).isEqualTo(AncestralPredictor.Variance.TRANSITION);

        var lan = find(plugin.correctors(), "langevin");
        LangevinCorrector lc = (LangevinCorrector) lan.create(PluginConfig.of("corrector", lan, Map.of()));
        assertThat(lc.snr()).isEqualTo(0.16);
        assertThat(lc.nSteps()).isEqualTo(1);
        var ann = find(plugin.correctors(), "annealed-langevin");
        AnnealedLangevinCorrector ac = (AnnealedLangevinCorrector) ann.create(
                PluginConfig.of("corrector", ann, Map.of("n_steps", "3")));
        assertThat(ac.stepSize()).isNaN();
        assertThat(((AnnealedLangevinCorrector) ann.create(PluginConfig.of("corrector", ann,
                Map.of("step_size", "3e-5")))).stepSize()).isEqualTo(3e-5);
        assertThat(ac.nSteps()).isEqualTo(3);
        for (String name : List.of("euler-maruyama", "reverse-diffusion", "none")) {
            var f = find(plugin.predictors(), name);
            assertThat(f.create(PluginConfig.of("predictor", f, Map.of()))).isNotNull();
        }
        var none = find(plugin.correctors(), "none");
        assertThat(none.create(PluginConfig.of("corrector", none, Map.of()))).isInstanceOf(NoneCorrector.class);
    }

    @Test
    void rejectsBadConfiguration() {
        SolverFactory ode = find(plugin.solvers(), "ode");
        assertThatThrownBy(() -> PluginConfig.of("solver", ode, Map.of("method", "rk23")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.method")
                .hasMessageContaining("euler, heun, rk4, rk45");
        for (String bad : List.of("0", "-1e-5", "NaN")) {
            assertThatThrownBy(() -> PluginConfig.of("solver", ode, Map.of("rtol", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("solver.rtol");
            assertThatThrownBy(() -> PluginConfig.of("solver", ode, Map.of("atol", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("solver.atol");
        }
        assertThatThrownBy(() -> PluginConfig.of("solver", ode, Map.of("max_steps", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.max_steps");
        assertThatThrownBy(() -> PluginConfig.of("solver", ode, Map.of("denoise", "true")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'solver.denoise'");

        var lan = find(plugin.correctors(), "langevin");
        for (String bad : List.of("0", "-0.1", "1.5")) {
            assertThatThrownBy(() -> PluginConfig.of("corrector", lan, Map.of("snr", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("corrector.snr")
                    .hasMessageContaining("(0, 1]");
        }
        assertThatThrownBy(() -> PluginConfig.of("corrector", lan, Map.of("n_steps", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("corrector.n_steps");
        var ann = find(plugin.correctors(), "annealed-langevin");
        assertThatThrownBy(() -> PluginConfig.of("corrector", ann, Map.of("step_size", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("corrector.step_size");
        var anc = find(plugin.predictors(), "ancestral");
        assertThatThrownBy(() -> PluginConfig.of("predictor", anc, Map.of("variance", "large")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("predictor.variance")
                .hasMessageContaining("posterior, transition");
        var em = find(plugin.predictors(), "euler-maruyama");
        assertThatThrownBy(() -> PluginConfig.of("predictor", em, Map.of("snr", "0.1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("known keys: (none)");

        // the constructors check too, for programmatic use
        assertThatThrownBy(() -> new LangevinCorrector(0, 1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("corrector.snr");
        assertThatThrownBy(() -> new DormandPrinceSolver(0, 1e-5, 10)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("solver.rtol");
        assertThatThrownBy(() -> new AnnealedLangevinCorrector(2e-5, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("corrector.n_steps");
    }
    @Test
    void ddimDpmSolverAndEdmFactories() {
        SolverFactory ddim = find(plugin.solvers(), "ddim");
        SolverFactory dpm = find(plugin.solvers(), "dpm-solver-pp");
        SolverFactory edm = find(plugin.solvers(), "edm");
        assertThat(ddim.configKeys().keySet()).containsExactly("eta", "timestep_spacing", "set_alpha_to_one",
                "clip_sample", "clip_sample_range");
        assertThat(dpm.configKeys().keySet()).containsExactly("lower_order_final");
        assertThat(edm.configKeys().keySet()).containsExactly("s_churn", "s_tmin", "s_tmax", "s_noise");
        for (SolverFactory f : List.of(ddim, dpm, edm)) {
            assertThat(f.usesPredictorCorrector()).isFalse();
        }
        assertThat(ddim.create(PluginConfig.of("solver", ddim, Map.of())))
                .hasToString("ddim(eta=0.0, timestep_spacing=leading, set_alpha_to_one=true, clip_sample=false)");
        DdimSolver d = (DdimSolver) ddim.create(PluginConfig.of("solver", ddim,
                Map.of("eta", "0.5", "timestep_spacing", "trailing", "clip_sample", "true",
                        "clip_sample_range", "2", "set_alpha_to_one", "false")));
        assertThat(d.eta()).isEqualTo(0.5);
        assertThat(d.spacing()).isEqualTo(DdimSolver.Spacing.TRAILING);
        assertThat(d).hasToString("ddim(eta=0.5, timestep_spacing=trailing, set_alpha_to_one=false,"
                + " clip_sample=true, clip_sample_range=2.0)");
        assertThat(((DpmSolverPlusPlus) dpm.create(PluginConfig.of("solver", dpm, Map.of()))).lowerOrderFinal())
                .isTrue();
        assertThat(edm.create(PluginConfig.of("solver", edm, Map.of())))
                .hasToString("edm(s_churn=0.0, s_tmin=0.0, s_tmax=Infinity, s_noise=1.0)");
        assertThat(edm.create(PluginConfig.of("solver", edm, Map.of("s_churn", "40", "s_tmin", "0.05",
                "s_tmax", "50", "s_noise", "1.003"))))
                .hasToString("edm(s_churn=40.0, s_tmin=0.05, s_tmax=50.0, s_noise=1.003)");

        assertThatThrownBy(() -> PluginConfig.of("solver", ddim, Map.of("eta", "-0.1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.eta");
        assertThatThrownBy(() -> PluginConfig.of("solver", ddim, Map.of("timestep_spacing", "uniform")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.timestep_spacing")
                .hasMessageContaining("leading, trailing, linspace");
        assertThatThrownBy(() -> PluginConfig.of("solver", ddim, Map.of("clip_sample_range", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.clip_sample_range");
        assertThatThrownBy(() -> PluginConfig.of("solver", ddim, Map.of("steps", "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'solver.steps'");
        assertThatThrownBy(() -> PluginConfig.of("solver", dpm, Map.of("lower_order_final", "sometimes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.lower_order_final");
        assertThatThrownBy(() -> PluginConfig.of("solver", edm, Map.of("s_churn", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.s_churn");
        assertThatThrownBy(() -> PluginConfig.of("solver", edm, Map.of("s_noise", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.s_noise");
        assertThatThrownBy(() -> edm.create(PluginConfig.of("solver", edm, Map.of("s_tmin", "2", "s_tmax", "1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.s_tmax")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> new DdimSolver(Double.NaN, DdimSolver.Spacing.LEADING, true, false, 1))
                .isInstanceOf(ConfigException.class).hasMessageContaining("solver.eta");
    }
}
