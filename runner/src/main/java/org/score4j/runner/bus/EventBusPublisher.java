package org.score4j.runner.bus;

import io.vertx.core.eventbus.EventBus;
import java.util.function.Consumer;
import org.score4j.api.event.RunEvent;

/**
 * Adapts the run loop's plain listener to the Vert.x event bus: every event is published on
 * {@code score4j.run.<runId>} (one address per run, so a consumer sees that run's events in order) and on
 * {@code score4j.runs} (all runs, for overviews). Delivery is best-effort telemetry: results never travel
 * only as events. Thread-safe (publishing from the sampling thread is allowed).
 */
public final class EventBusPublisher implements Consumer<RunEvent> {
    /** The address every run's events are also published on. */
    public static final String RUNS = "score4j.runs";
    /** The prefix of per-run addresses. */
    public static final String RUN_PREFIX = "score4j.run.";

    private final EventBus bus;

    public EventBusPublisher(EventBus bus) {
        this.bus = bus;
        RunEventCodec.registerOn(bus);
    }

    /** The address of one run's events. */
    public static String runAddress(String runId) {
        return RUN_PREFIX + runId;
    }

    @Override
    public void accept(RunEvent event) {
        bus.publish(runAddress(event.runId()), event);
        bus.publish(RUNS, event);
    }
}
