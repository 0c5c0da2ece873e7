package org.score4j.runner.cli;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.model.Conditioning;
import org.score4j.runner.Score4j;
import org.score4j.runner.bus.EventBusPublisher;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.RunLoop;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.io.EventLog;
import org.score4j.runner.io.ProgressBar;

/**
 * A sampling run of the command line ({@code sample}, {@code inverse}) with its events published on the Vert.x
 * bus, from which the progress bar and the event log consume them.
 */
final class BusRun {
    private BusRun() {}

    /**
     * Runs {@code p} conditioned on {@code cond}; every event is delivered (and logged) before this returns.
     *
     * @param events the event log file, or {@code null}
     * @param noProgress whether to hide the progress bar (it shows only on a terminal anyway)
     */
    static SampleResult run(Pipeline p, Conditioning cond, Path events, boolean noProgress) throws Exception {
        Vertx vertx = Vertx.vertx();
        EventLog log = events == null ? null : EventLog.open(events);
        try {
            EventBusPublisher publisher = new EventBusPublisher(vertx.eventBus());
            String runId = Score4j.newRunId();
            ProgressBar bar = ProgressBar.onStderr(!noProgress && System.console() != null);
            CompletableFuture<Void> ended = new CompletableFuture<>();
            MessageConsumer<RunEvent> consumer = vertx.eventBus().localConsumer(
                    EventBusPublisher.runAddress(runId), m -> {
                        RunEvent e = m.body();
                        bar.accept(e);
                        if (log != null) {
                            log.accept(e);
                        }
                        if (e instanceof RunCompleted || e instanceof RunFailed) {
                            ended.complete(null);
                        }
                    });
            consumer.completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            boolean[] terminal = {false};
            try {
                return RunLoop.run(p, cond, runId, e -> {
                    terminal[0] |= e instanceof RunCompleted || e instanceof RunFailed;
                    publisher.accept(e);
                }, new Cancellation());
            } finally {
                if (terminal[0]) {
                    // every event of the run is delivered (and logged) before the outputs are written
                    ended.get(30, TimeUnit.SECONDS);
                }
            }
        } catch (Exception | Error e) {
            if (log != null) {
                log.abort();
            }
            throw e;
        } finally {
            if (log != null) {
                log.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
