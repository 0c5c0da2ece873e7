package org.score4j.runner.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.io.Npy;

@ExtendWith(VertxExtension.class)
class EventBusTest {
    private static Score4j score4j;

    @BeforeAll
    static void plugins() {
        score4j = Score4j.create(null);
    }

    @Test
    void eventsArriveInOrderOnTheRunAddressAndOnTheOverview(Vertx vertx, VertxTestContext ctx) throws Throwable {
        EventBusPublisher publisher = new EventBusPublisher(vertx.eventBus());
        String runId = Score4j.newRunId();
        List<RunEvent> perRun = new CopyOnWriteArrayList<>();
        List<RunEvent> overview = new CopyOnWriteArrayList<>();
        var done = ctx.checkpoint(2);
        vertx.eventBus().<RunEvent>consumer(EventBusPublisher.runAddress(runId), m -> {
            perRun.add(m.body());
            if (m.body() instanceof RunCompleted) {
                done.flag();
            }
        }).completion().await();
        vertx.eventBus().<RunEvent>consumer(EventBusPublisher.RUNS, m -> {
            overview.add(m.body());
            if (m.body() instanceof RunCompleted) {
                done.flag();
            }
        }).completion().await();
        score4j.sample(PipelineSpec.defaults().withSteps(40).withN(9).withBatchSize(4), runId, publisher,
                new Cancellation());
        assertThat(ctx.awaitCompletion(20, TimeUnit.SECONDS)).isTrue();
        if (ctx.failed()) {
            throw ctx.causeOfFailure();
        }
        assertThat(perRun).hasSize(1 + 3 * 40 + 1);
        assertThat(perRun.get(0)).isInstanceOf(RunStarted.class);
        for (int i = 0; i < 120; i++) {
            StepEvent s = (StepEvent) perRun.get(1 + i);
            assertThat(s.batch()).isEqualTo(i / 40);
            assertThat(s.step()).isEqualTo(i % 40 + 1);
            assertThat(s.runId()).isEqualTo(runId);
        }
        assertThat(perRun.get(perRun.size() - 1)).isInstanceOf(RunCompleted.class);
        assertThat(overview).containsExactlyElementsOf(perRun);
    }

    @Test
    void codecCarriesEveryEventOverTheWire() {
        for (RunEvent e : List.<RunEvent>of(new RunStarted("r", 3, 1, 10, java.util.Map.of("sde", "vp")),
                new StepEvent("r", 0, 1, 4, 10, 0.5, 8, 0.01),
                new RunCompleted("r", 3, 20, 0.2, java.util.Map.of("seed", 1)),
                new RunFailed("r", 0, 4, "run failed at step 4: boom"))) {
            Buffer b = Buffer.buffer();
            RunEventCodec codec = codecFor();
            codec.encodeToWire(b, e);
            assertThat(codec.decodeFromWire(0, b)).isEqualTo(e);
        }
    }

    private static RunEventCodec codecFor() {
        try {
            var c = RunEventCodec.class.getDeclaredConstructor(String.class);
            c.setAccessible(true);
            return c.newInstance("test");
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void submitRunsAPipelineAndWritesTheResult(Vertx vertx, VertxTestContext ctx, @TempDir Path dir)
            throws Throwable {
        RunService.start(vertx, score4j);
        Path out = dir.resolve("bus.npy");
        JsonObject req = new JsonObject()
                .put("pipeline", new JsonObject().put("steps", 20).put("n", 6).put("seed", 4)
                        .put("solver", new JsonObject().put("name", "ode").put("method", "rk4")))
                .put("out", out.toString());
        JsonObject reply = vertx.eventBus().<JsonObject>request(RunService.SUBMIT, req).await().body();
        String run = reply.getString("run");
        assertThat(run).isNotBlank();
        var completed = ctx.checkpoint();
        vertx.eventBus().<RunEvent>consumer(EventBusPublisher.runAddress(run), m -> {
            if (m.body() instanceof RunCompleted) {
                ctx.verify(() -> assertThat(Files.exists(out)).isTrue());
                completed.flag();
            }
        });
        assertThat(ctx.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
        if (ctx.failed()) {
            throw ctx.causeOfFailure();
        }
        assertThat(Npy.read(out).shape()).containsExactly(6, 2);
        assertThat(Files.exists(dir.resolve("bus.json"))).isTrue();
    }

    @Test
    void badSubmissionsAreRefusedWithTheError(Vertx vertx) {
        RunService.start(vertx, score4j);
        JsonObject bad = new JsonObject().put("pipeline", new JsonObject().put("sde", "nope")).put("out", "/tmp/x.npy");
        Throwable t = vertx.eventBus().request(RunService.SUBMIT, bad).toCompletionStage().toCompletableFuture()
                .handle((ok, err) -> err).join();
        assertThat(t).isInstanceOf(ReplyException.class).hasMessageContaining("unknown sde 'nope'");
        assertThat(((ReplyException) t).failureCode()).isEqualTo(400);
        JsonObject noOut = new JsonObject().put("pipeline", new JsonObject());
        Throwable t2 = vertx.eventBus().request(RunService.SUBMIT, noOut).toCompletionStage().toCompletableFuture()
                .handle((ok, err) -> err).join();
        assertThat(t2).hasMessageContaining("out");
        JsonObject cancel = vertx.eventBus().<JsonObject>request(RunService.CANCEL, new JsonObject().put("run", "zz"))
                .toCompletionStage().toCompletableFuture().join().body();
        assertThat(cancel.getBoolean("cancelled")).isFalse();
    }
}
