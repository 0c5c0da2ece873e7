package org.score4j.api.event;

import java.util.Map;

/**
 * A run finished and its output is complete.
 *
 * @param n the number of samples
 * @param nfe score evaluations in the whole run
 * @param elapsedSeconds wall time of the run
 * @param provenance what produced the output (plugins, configs, seed, versions)
 */
public record RunCompleted(String runId, int n, long nfe, double elapsedSeconds, Map<String, Object> provenance)
        implements RunEvent {
    public RunCompleted {
        provenance = Map.copyOf(provenance);
    }

    @Override
    public String type() {
        return "completed";
    }
}
