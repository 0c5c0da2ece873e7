package org.score4j.api.event;

/**
 * Something that happened in a sampling run. Events are immutable records carrying scalars only (never
 * arrays), so they can be logged, serialized and sent over a bus. For one run they are emitted in order:
 * one {@link RunStarted}, any number of {@link StepEvent}s, then exactly one {@link RunCompleted} or
 * {@link RunFailed}.
 */
public sealed interface RunEvent permits RunStarted, StepEvent, RunCompleted, RunFailed {
    /** The run's identifier. */
    String runId();

    /** {@code "started"}, {@code "step"}, {@code "completed"} or {@code "failed"}. */
    String type();
}
