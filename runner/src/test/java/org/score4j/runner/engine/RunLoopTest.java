package org.score4j.runner.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

class RunLoopTest {
    private final PipelineAssembler assembler = new PipelineAssembler(TestPlugins.registries(Map.of(
            "nan-at-7", TestPlugins.faulty("nan-at-7", c -> c >= 7, true),
            "throws-at-3", TestPlugins.faulty("throws-at-3", c -> c == 3, false))));

    private SampleResult run(PipelineSpec spec, List<RunEvent> events) {
        try (Pipeline p = assembler.assemble(spec)) {
            return RunLoop.run(p, "r1", events::add, new Cancellation());
        }
    }

    @Test
    void sameSeedSameBitsAndIndependentOfBatchingAndN() {
        for (PipelineSpec base : List.of(
                PipelineSpec.defaults().withSteps(60),
                PipelineSpec.defaults().withSolver(PluginRef.of("ode")).withSteps(60),
                PipelineSpec.defaults().withPredictor(PluginRef.of("euler-maruyama"))
                        .withCorrector(PluginRef.of("none")).withSteps(60),
                PipelineSpec.defaults().withPredictor(PluginRef.of("ancestral"))
                        .withCorrector(PluginRef.of("annealed-langevin")).withSde(PluginRef.of("ve")).withSteps(60))) {
            float[] a = run(base.withN(40).withSeed(5), new ArrayList<>()).data();
            float[] b = run(base.withN(40).withSeed(5).withBatchSize(7), new ArrayList<>()).data();
            float[] c = run(base.withN(13).withSeed(5).withBatchSize(3), new ArrayList<>()).data();
            float[] other = run(base.withN(40).withSeed(6), new ArrayList<>()).data();
            assertThat(b).as("batch size").containsExactly(a);
            assertThat(c).as("prefix").containsExactly(Arrays.copyOf(a, c.length));
            assertThat(other).as("other seed").isNotEqualTo(a);
        }
    }

    @Test
    void emitsEventsInOrderWithCountedNfe() {
        List<RunEvent> events = new ArrayList<>();
        SampleResult r = run(PipelineSpec.defaults().withSteps(25).withN(10).withBatchSize(4), events);
        assertThat(events.get(0)).isInstanceOf(RunStarted.class);
        RunStarted started = (RunStarted) events.get(0);
        assertThat(started.batches()).isEqualTo(3);
        assertThat(started.steps()).isEqualTo(25);
        List<StepEvent> steps = events.stream().filter(e -> e instanceof StepEvent).map(e -> (StepEvent) e).toList();
        assertThat(steps).hasSize(75);
        long lastNfe = 0;
        for (int i = 0; i < steps.size(); i++) {
            StepEvent s = steps.get(i);
            assertThat(s.batch()).isEqualTo(i / 25);
            assertThat(s.step()).isEqualTo(i % 25 + 1);
            assertThat(s.nfe()).isGreaterThan(lastNfe);
            lastNfe = s.nfe();
        }
        // reverse diffusion + one Langevin step: two evaluations per step
        assertThat(r.nfe()).isEqualTo(3 * 25 * 2);
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunCompleted.class);
        assertThat(((RunCompleted) events.get(events.size() - 1)).nfe()).isEqualTo(r.nfe());
        assertThat(r.shape()).containsExactly(10, 2);
    }

    @Test
    void nanStateFailsTheRunNamingTheStepAndTheRunnerStaysUsable() {
        List<RunEvent> events = new ArrayList<>();
        PipelineSpec spec = PipelineSpec.defaults().withModel(PluginRef.of("nan-at-7"))
                .withSolver(PluginRef.of("ode").with("method", "euler")).withSteps(20).withN(5);
        assertThatThrownBy(() -> run(spec, events))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("step 7")
                .hasMessageContaining("NaN");
        RunEvent last = events.get(events.size() - 1);
        assertThat(last).isInstanceOf(RunFailed.class);
        assertThat(((RunFailed) last).step()).isEqualTo(7);
        assertThat(events).noneMatch(e -> e instanceof RunCompleted);
        // still usable
        SampleResult ok = run(PipelineSpec.defaults().withSteps(10).withN(3), new ArrayList<>());
        assertThat(ok.n()).isEqualTo(3);
    }

    @Test
    void throwingPluginFailsTheRunCleanly() {
        List<RunEvent> events = new ArrayList<>();
        PipelineSpec spec = PipelineSpec.defaults().withModel(PluginRef.of("throws-at-3"))
                .withSolver(PluginRef.of("ode").with("method", "euler")).withSteps(20).withN(5);
        assertThatThrownBy(() -> run(spec, events))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("step 3")
                .hasMessageContaining("model exploded");
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunFailed.class);
    }

    @Test
    void cancellationStopsTheRun() {
        Cancellation c = new Cancellation();
        List<RunEvent> events = new ArrayList<>();
        try (Pipeline p = assembler.assemble(PipelineSpec.defaults().withSteps(100).withN(4))) {
            assertThatThrownBy(() -> RunLoop.run(p, "r2", e -> {
                events.add(e);
                if (e instanceof StepEvent s && s.step() == 5) {
                    c.cancel();
                }
            }, c)).isInstanceOf(RunFailedException.class).hasMessageContaining("cancelled");
        }
        assertThat(events.stream().filter(e -> e instanceof StepEvent).count()).isEqualTo(5);
    }
}
