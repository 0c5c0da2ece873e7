package org.score4j.runner.bench;

import java.util.List;
import org.score4j.api.ConfigException;

/**
 * What {@code score4j bench} measures.
 *
 * @param entries the samplers, in table order, each with its number of grid steps
 * @param n samples per run
 * @param repeats timed runs of each sampler (and of its bare loop); the table reports medians
 * @param threads intra-op thread counts to measure in turn; empty: the engine's current setting only
 * @param seed the run seed
 * @param batchSize samples computed together
 * @param warmupSteps grid steps of the untimed warm-up run of each sampler and bare loop (0: no warm-up)
 */
public record BenchPlan(List<Entry> entries, int n, int repeats, List<Integer> threads, long seed, int batchSize,
        int warmupSteps) {

    /**
     * One sampler of the plan.
     *
     * @param steps grid steps (for the adaptive {@code ode-rk45}, only the warm-up uses it: its steps are its own)
     */
    public record Entry(BenchSampler sampler, int steps) {
        public Entry {
            java.util.Objects.requireNonNull(sampler, "sampler");
            if (steps < 1) {
                throw new ConfigException("steps of sampler " + sampler.id() + " must be a positive integer, got "
                        + steps);
            }
        }
    }

    public BenchPlan {
        entries = List.copyOf(entries);
        threads = List.copyOf(threads);
        if (entries.isEmpty()) {
            throw new ConfigException("no sampler to benchmark");
        }
        if (n < 1) {
            throw new ConfigException("n must be a positive integer, got " + n);
        }
        if (repeats < 1) {
            throw new ConfigException("repeats must be a positive integer, got " + repeats);
        }
        if (batchSize < 1) {
            throw new ConfigException("batch size must be a positive integer, got " + batchSize);
        }
        if (warmupSteps < 0) {
            throw new ConfigException("warm-up steps must be 0 or more, got " + warmupSteps);
        }
        for (int t : threads) {
            if (t < 1) {
                throw new ConfigException("threads must be positive integers, got " + t);
            }
        }
        if (threads.stream().distinct().count() != threads.size()) {
            throw new ConfigException("threads lists a count twice: " + threads);
        }
        if (entries.stream().map(Entry::sampler).distinct().count() != entries.size()) {
            throw new ConfigException("a sampler is listed twice");
        }
    }
}
