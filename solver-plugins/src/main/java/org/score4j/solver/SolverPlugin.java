package org.score4j.solver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.score4j.api.ApiVersion;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ConfigType;
import org.score4j.api.plugin.CorrectorFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PredictorFactory;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.api.plugin.SolverFactory;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.Solver;

/**
 * The entry point of the solver plugins: the predictors, correctors and samplers of Song et al. 2021
 * ("Score-Based Generative Modeling through SDEs", §4) and Song &amp; Ermon 2019, DDIM (Song, Meng &amp; Ermon
 * 2021), DPM-Solver++ (Lu et al. 2022) and the EDM sampler (Karras et al. 2022).
 *
 * <ul>
 *   <li>predictors: {@code euler-maruyama} ({@link EulerMaruyamaPredictor}), {@code reverse-diffusion}
 *       ({@link ReverseDiffusionPredictor}), {@code ancestral} ({@link AncestralPredictor}; key
 *       {@code variance} = posterior | transition), {@code none} ({@link NonePredictor});</li>
 *   <li>correctors: {@code langevin} ({@link LangevinCorrector}; keys {@code snr}, {@code n_steps}),
 *       {@code annealed-langevin} ({@link AnnealedLangevinCorrector}; keys {@code step_size}, {@code n_steps}),
 *       {@code none} ({@link NoneCorrector});</li>
 *   <li>solvers: {@code pc} ({@link PcSolver}; key {@code denoise}) and {@code ode}, the probability-flow ODE
 *       (key {@code method} = euler | heun | rk4 | rk45 selecting {@link EulerOdeSolver}, {@link HeunOdeSolver},
 *       {@link Rk4OdeSolver} or {@link DormandPrinceSolver}; keys {@code rtol}, {@code atol},
 *       {@code max_steps} for rk45), {@code ddim} ({@link DdimSolver}; keys {@code eta},
 *       {@code timestep_spacing}, {@code set_alpha_to_one}, {@code clip_sample}, {@code clip_sample_range}; needs
 *       the discrete {@code ddpm} SDE), {@code dpm-solver-pp} ({@link DpmSolverPlusPlus}, DPM-Solver++(2M); key
 *       {@code lower_order_final}) and {@code edm} ({@link EdmSolver}; keys {@code s_churn}, {@code s_tmin},
 *       {@code s_tmax}, {@code s_noise}).</li>
 * </ul>
 * Listed in {@code META-INF/services/org.score4j.api.plugin.Score4jPlugin}. Stateless; its factories are
 * thread-safe.
 */
public final class SolverPlugin implements Score4jPlugin {

    @Override
    public int apiMajor() {
        return ApiVersion.MAJOR;
    }

    @Override
    public List<PredictorFactory> predictors() {
        Map<String, ConfigKey> ancestral = new LinkedHashMap<>();
        ancestral.put("variance", ConfigKey.ofChoice("variance", "posterior", List.of("posterior", "transition"),
                "noise variance of a step: the posterior q(x_s|x_t,x_0) (DDPM's beta-tilde) or the forward"
                        + " transition's (DDPM's beta)"));
        return List.of(
                new PredictorEntry("euler-maruyama", "Euler-Maruyama step of the reverse-time SDE (Song et al. eq. 6)",
                        keys(), c -> new EulerMaruyamaPredictor()),
                new PredictorEntry("reverse-diffusion",
                        "reverse diffusion with the exact forward kernel (Song et al. eq. 46)",
                        keys(), c -> new ReverseDiffusionPredictor()),
                new PredictorEntry("ancestral", "ancestral sampling (Ho et al. 2020; Song et al. Appendix F)",
                        frozen(ancestral), c -> new AncestralPredictor(AncestralPredictor.Variance.valueOf(
                                c.getString("variance").toUpperCase(Locale.ROOT)))),
                new PredictorEntry("none", "no predictor (corrector-only sampling)", keys(),
                        c -> new NonePredictor()));
    }

    @Override
    public List<CorrectorFactory> correctors() {
        Map<String, ConfigKey> langevin = new LinkedHashMap<>();
        langevin.put("snr", ConfigKey.ofPositiveDouble("snr", 0.16, 1,
                "signal-to-noise ratio r; step size 2(r*sigma(t))^2"));
        langevin.put("n_steps", nSteps());
        Map<String, ConfigKey> annealed = new LinkedHashMap<>();
        annealed.put("step_size", new ConfigKey("step_size", ConfigType.DOUBLE, null, 0, true, 1, List.of(),
                "step at the smallest noise level (default 0.2*sigma(t0)^2); step(t) = step_size*sigma(t)^2/sigma(t0)^2"));
        annealed.put("n_steps", nSteps());
        return List.of(
                new CorrectorEntry("langevin", "Langevin MCMC with a batch-independent step (Song et al. Algorithm 4)",
                        frozen(langevin), c -> new LangevinCorrector(c.getDouble("snr"), c.getInt("n_steps"))),
                new CorrectorEntry("annealed-langevin", "annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1)",
                        frozen(annealed),
                        c -> new AnnealedLangevinCorrector(
                                c.find("step_size").map(Double::parseDouble).orElse(Double.NaN), c.getInt("n_steps"))),
                new CorrectorEntry("none", "no corrector (predictor-only sampling)", keys(),
                        c -> new NoneCorrector()));
    }

    @Override
    public List<SolverFactory> solvers() {
        Map<String, ConfigKey> pc = new LinkedHashMap<>();
        pc.put("denoise", ConfigKey.ofBoolean("denoise", true,
                "return the noise-free mean of the last predictor step"));
        Map<String, ConfigKey> ode = new LinkedHashMap<>();
        ode.put("method", ConfigKey.ofChoice("method", "rk45", List.of("euler", "heun", "rk4", "rk45"),
                "integrator: fixed-step on the time grid (euler, heun, rk4) or adaptive Dormand-Prince (rk45)"));
        ode.put("rtol", ConfigKey.ofPositiveDouble("rtol", 1e-5, 1, "relative tolerance (rk45)"));
        ode.put("atol", ConfigKey.ofPositiveDouble("atol", 1e-5, 1, "absolute tolerance (rk45)"));
        ode.put("max_steps", ConfigKey.ofInt("max_steps", 100_000, 1, 1_000_000_000,
                "step attempts before giving up (rk45)"));
        Map<String, ConfigKey> ddim = new LinkedHashMap<>();
        ddim.put("eta", ConfigKey.ofDouble("eta", 0, 0, Double.POSITIVE_INFINITY,
                "stochasticity: 0 deterministic DDIM, 1 the DDPM posterior variance"));
        ddim.put("timestep_spacing", ConfigKey.ofChoice("timestep_spacing", "leading",
                List.of("leading", "trailing", "linspace"), "how the steps pick timesteps among the sde's N"
                        + " (diffusers' timestep_spacing)"));
        ddim.put("set_alpha_to_one", ConfigKey.ofBoolean("set_alpha_to_one", true,
                "the last step goes to alpha-bar = 1 (clean data) rather than to timestep 0"));
        ddim.put("clip_sample", ConfigKey.ofBoolean("clip_sample", false,
                "clip the predicted x0 to [-clip_sample_range, clip_sample_range]"));
        ddim.put("clip_sample_range", ConfigKey.ofPositiveDouble("clip_sample_range", 1, Double.POSITIVE_INFINITY,
                "the bound of clip_sample"));
        Map<String, ConfigKey> dpm = new LinkedHashMap<>();
        dpm.put("lower_order_final", ConfigKey.ofBoolean("lower_order_final", true,
                "first-order last step on grids of fewer than 15 steps (diffusers' lower_order_final)"));
        Map<String, ConfigKey> edm = new LinkedHashMap<>();
        edm.put("s_churn", ConfigKey.ofDouble("s_churn", 0, 0, Double.POSITIVE_INFINITY,
                "total churn S_churn; 0 is the deterministic sampler (Karras et al. Algorithm 1)"));
        edm.put("s_tmin", ConfigKey.ofDouble("s_tmin", 0, 0, Double.POSITIVE_INFINITY,
                "lowest noise level sigma/m that gets churn"));
        edm.put("s_tmax", new ConfigKey("s_tmax", ConfigType.DOUBLE, null, 0, false, Double.POSITIVE_INFINITY,
                List.of(), "highest noise level sigma/m that gets churn; unset: no bound"));
        edm.put("s_noise", ConfigKey.ofPositiveDouble("s_noise", 1, Double.POSITIVE_INFINITY,
                "scale of the churn noise S_noise"));
        return List.of(
                new SolverEntry("pc", "predictor-corrector sampling of the reverse SDE (Song et al. Algorithm 1)",
                        frozen(pc), true, "uniform", c -> new PcSolver(c.getBoolean("denoise"))),
                new SolverEntry("ode", "probability-flow ODE (Song et al. eq. 13), fixed-step or adaptive",
                        frozen(ode), false, "uniform", SolverPlugin::createOde),
                new SolverEntry("ddim", "DDIM on the timesteps of the ddpm sde (Song, Meng & Ermon 2021, eq. 12)",
                        frozen(ddim), false, "uniform", c -> new DdimSolver(c.getDouble("eta"),
                                DdimSolver.Spacing.valueOf(c.getString("timestep_spacing").toUpperCase(Locale.ROOT)),
                                c.getBoolean("set_alpha_to_one"), c.getBoolean("clip_sample"),
                                c.getDouble("clip_sample_range"))),
                new SolverEntry("dpm-solver-pp", "DPM-Solver++(2M), multistep data prediction (Lu et al. 2022,"
                        + " Algorithm 2)", frozen(dpm), false, "quadratic",
                        c -> new DpmSolverPlusPlus(c.getBoolean("lower_order_final"))),
                new SolverEntry("edm", "Heun sampler in noise-level space (Karras et al. 2022, Algorithm 1/2)",
                        frozen(edm), false, "karras", c -> new EdmSolver(c.getDouble("s_churn"), c.getDouble("s_tmin"),
                                c.find("s_tmax").map(Double::parseDouble).orElse(Double.POSITIVE_INFINITY),
                                c.getDouble("s_noise"))));
    }

    private static Solver createOde(PluginConfig c) {
        switch (c.getString("method")) {
            case "euler":
                return new EulerOdeSolver();
            case "heun":
                return new HeunOdeSolver();
            case "rk4":
                return new Rk4OdeSolver();
            case "rk45":
                return new DormandPrinceSolver(c.getDouble("rtol"), c.getDouble("atol"), c.getInt("max_steps"));
            default:
                throw new IllegalStateException("unhandled method " + c.getString("method"));
        }
    }

    private static ConfigKey nSteps() {
        return ConfigKey.ofInt("n_steps", 1, 1, 1000, "Langevin steps per grid time");
    }

    private static Map<String, ConfigKey> keys() {
        return Map.of();
    }

    private static Map<String, ConfigKey> frozen(Map<String, ConfigKey> keys) {
        return Collections.unmodifiableMap(keys);
    }

    private record PredictorEntry(String name, String description, Map<String, ConfigKey> configKeys,
            Function<PluginConfig, Predictor> creator) implements PredictorFactory {
        @Override
        public Predictor create(PluginConfig config) {
            return creator.apply(config);
        }
    }

    private record CorrectorEntry(String name, String description, Map<String, ConfigKey> configKeys,
            Function<PluginConfig, Corrector> creator) implements CorrectorFactory {
        @Override
        public Corrector create(PluginConfig config) {
            return creator.apply(config);
        }
    }

    private record SolverEntry(String name, String description, Map<String, ConfigKey> configKeys,
            boolean usesPredictorCorrector, String defaultSchedule, Function<PluginConfig, Solver> creator)
            implements SolverFactory {
        @Override
        public Solver create(PluginConfig config) {
            return creator.apply(config);
        }
    }
}
