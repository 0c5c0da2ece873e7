package org.score4j.api.event;

/**
 * A run stopped without output.
 *
 * @param batch the batch being computed, or {@code -1} when the run failed before sampling
 * @param step the step that failed (1-based), or {@code 0} when it failed before its first step
 * @param reason a one-line message
 */
public record RunFailed(String runId, int batch, int step, String reason) implements RunEvent {
    @Override
    public String type() {
        return "failed";
    }
}
