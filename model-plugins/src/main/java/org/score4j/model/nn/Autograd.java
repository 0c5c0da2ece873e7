package org.score4j.model.nn;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.Objects;
import org.score4j.api.Score4jException;

/**
 * The gradient of a scalar with respect to an input, by DJL's reverse-mode autograd, for the plugins that
 * differentiate through a network while sampling (a trained classifier's ∇ₓ log p_t(y | x), the likelihood
 * term of {@code dps}).
 *
 * <p>The engine records gradients for one collector at a time per process, so every such gradient is taken
 * under one process-wide lock: concurrent callers wait for each other. A call made while a collector is already
 * recording in the same thread (a gradient nested in another, e.g. a likelihood differentiating a guided score)
 * cannot wait and fails with the caller's message. Thread-safe.
 */
public final class Autograd {
    private static final Object LOCK = new Object();

    private Autograd() {}

    /** A scalar computed from an input by NDArray operations (so autograd follows it). */
    @FunctionalInterface
    public interface Objective {
        /** The scalar (a single value) at {@code input}. */
        NDArray of(NDArray input);
    }

    /**
     * ∇ of {@code objective} at {@code input}: marks {@code input} as requiring a gradient, records the objective
     * and its backward pass, and returns the gradient of {@code input} (its shape and type).
     *
     * @param input where to differentiate; it is marked as requiring a gradient
     * @param nested the one-line message when another gradient is being recorded
     * @param failed the start of the message when the engine cannot differentiate the objective (its message
     *     follows, on the same line)
     * @throws Score4jException when another gradient is being recorded, or differentiating fails in the engine
     */
    public static NDArray gradient(NDArray input, Objective objective, String nested, String failed) {
        Objects.requireNonNull(objective, "objective");
        synchronized (LOCK) {
            GradientCollector gc;
            try {
                gc = input.getManager().getEngine().newGradientCollector();
            } catch (IllegalStateException e) {
                throw new Score4jException(nested, e);
            }
            try (gc) {
                input.setRequiresGradient(true);
                gc.backward(objective.of(input));
            } catch (EngineException e) {
                throw new Score4jException(failed + String.valueOf(e.getMessage()).replace('\n', ' '), e);
            }
            return input.getGradient();
        }
    }
}
