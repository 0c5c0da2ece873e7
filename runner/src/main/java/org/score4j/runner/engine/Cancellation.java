package org.score4j.runner.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/** A flag another thread sets to stop a run at its next step. Thread-safe. */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }
}
