package org.score4j.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.StepEvent;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.bus.EventBusPublisher;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.SampleResult;

/** The README's embedded-API snippets, compiled and run. Keep the two in step. */
class EmbeddedExampleTest {

    @Test
    void readmeSnippet() {
        // --- README: embedded ---
        Score4j score4j = Score4j.create();                      // class path + ./plugins
        PipelineSpec spec = PipelineSpec.defaults()              // VP, built-in mixture, PC sampler
                .withSolver(PluginRef.of("ode").with("method", "rk45"))
                .withN(500)
                .withSeed(42);
        List<RunEvent> events = new ArrayList<>();
        SampleResult result = score4j.sample(spec, event -> {
            if (event instanceof StepEvent step) {
                events.add(step);                                // or update a progress bar
            }
        });
        float[] samples = result.data();                         // row-major, shape result.shape() = [500, 2]
        // --- end ---
        assertThat(samples).hasSize(1000);
        assertThat(result.shape()).containsExactly(500, 2);
        assertThat(events).isNotEmpty();
    }

    @Test
    void readmeBusSnippet() {
        // --- README: bus ---
        Vertx vertx = Vertx.vertx();
        Score4j score4j = Score4j.create();
        String runId = Score4j.newRunId();
        vertx.eventBus().<RunEvent>consumer(EventBusPublisher.runAddress(runId),
                message -> System.out.println(message.body()));
        score4j.sample(PipelineSpec.defaults().withN(100).withSteps(100), runId,
                new EventBusPublisher(vertx.eventBus()), new Cancellation());
        vertx.close();
        // --- end ---
    }
}
