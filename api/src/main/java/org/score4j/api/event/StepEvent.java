package org.score4j.api.event;

/**
 * A solver step finished.
 *
 * @param batch the batch index (0-based)
 * @param batches the number of batches
 * @param step the steps taken in this batch (1-based)
 * @param steps the planned steps per batch, {@code -1} for an adaptive solver
 * @param t the time reached
 * @param nfe score evaluations so far in the run (all batches)
 * @param elapsedSeconds wall time since the run started
 */
public record StepEvent(String runId, int batch, int batches, int step, int steps, double t, long nfe,
        double elapsedSeconds) implements RunEvent {
    @Override
    public String type() {
        return "step";
    }
}
