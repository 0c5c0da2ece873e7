package org.score4j.runner.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.score4j.api.Score4jException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.PipelineFile;
import org.score4j.runner.io.Provenance;

/**
 * Runs pipelines on request over the event bus.
 *
 * <ul>
 *   <li>{@code score4j.control.submit}: body {@code {"pipeline": {…pipeline file keys…}, "out": "x.npy"}};
 *       the pipeline is validated, then the reply {@code {"run": id}} is sent at once and the run proceeds on
 *       a worker thread, publishing its events on {@code score4j.run.<id>}; the samples go to {@code out}
 *       (with provenance JSON beside it) before the {@code completed} event. A bad request is answered
 *       with a failure (code 400) whose message is the one-line error.</li>
 *   <li>{@code score4j.control.cancel}: body {@code {"run": id}}; reply {@code {"cancelled": true|false}}.</li>
 * </ul>
 */
public final class RunService {
    public static final String SUBMIT = "score4j.control.submit";
    public static final String CANCEL = "score4j.control.cancel";

    private final Vertx vertx;
    private final Score4j score4j;
    private final EventBusPublisher publisher;
    private final Map<String, Cancellation> running = new ConcurrentHashMap<>();
    private final List<MessageConsumer<JsonObject>> consumers;

    private RunService(Vertx vertx, Score4j score4j) {
        this.vertx = vertx;
        this.score4j = score4j;
        this.publisher = new EventBusPublisher(vertx.eventBus());
        this.consumers = List.of(vertx.eventBus().consumer(SUBMIT, this::submit),
                vertx.eventBus().consumer(CANCEL, this::cancel));
    }

    /** Starts serving on {@code vertx}'s bus. */
    public static RunService start(Vertx vertx, Score4j score4j) {
        return new RunService(vertx, score4j);
    }

    /** Stops serving (runs in progress continue). */
    public void stop() {
        consumers.forEach(MessageConsumer::unregister);
    }

    private void submit(Message<JsonObject> msg) {
        PipelineSpec spec;
        Path out;
        try {
            JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
            JsonObject pipeline = body.getJsonObject("pipeline", new JsonObject());
            spec = PipelineFile.parse(pipeline.encode(), "submitted pipeline", true, PipelineSpec.defaults());
            String o = body.getString("out");
            if (o == null || o.isBlank()) {
                throw new Score4jException("submit needs \"out\": the .npy file the samples go to");
            }
            out = Path.of(o);
            AtomicFiles.checkWritable(out, "out");
            score4j.assemble(spec).close();
        } catch (Score4jException | ClassCastException e) {
            msg.fail(400, e.getMessage());
            return;
        }
        String runId = Score4j.newRunId();
        Cancellation cancellation = new Cancellation();
        running.put(runId, cancellation);
        msg.reply(new JsonObject().put("run", runId));
        final PipelineSpec s = spec;
        final Path target = out;
        vertx.executeBlocking(() -> {
            try {
                SampleResult r = score4j.sample(s, runId, event -> {
                    if (event instanceof org.score4j.api.event.RunCompleted) {
                        return; // published after the files are written
                    }
                    publisher.accept(event);
                }, cancellation);
                Npy.write(target, r.data(), r.shape());
                Json.writeJson(Provenance.pathBeside(target), r.provenance());
                publisher.accept(new org.score4j.api.event.RunCompleted(runId, r.n(), r.nfe(), r.elapsedSeconds(),
                        r.provenance()));
            } catch (org.score4j.runner.engine.RunFailedException e) {
                // the failed event has been published by the run loop
            } catch (RuntimeException e) {
                publisher.accept(new org.score4j.api.event.RunFailed(runId, -1, 0, e.getMessage()));
            } finally {
                running.remove(runId);
            }
            return null;
        }, false);
    }

    private void cancel(Message<JsonObject> msg) {
        String run = msg.body() == null ? null : msg.body().getString("run");
        Cancellation c = run == null ? null : running.get(run);
        if (c != null) {
            c.cancel();
        }
        msg.reply(new JsonObject().put("cancelled", c != null));
    }
}
