/**
 * Guidance decorators of the score ({@code --guidance}).
 *
 * <p>{@link org.score4j.guidance.ClassifierFreeGuidance cfg} (Ho &amp; Salimans 2022, eq. 6, on scores) and
 * {@link org.score4j.guidance.ClassifierGuidance classifier} (Song et al. 2021, §5, eq. 14, with the exact
 * noisy classifier of a class-conditional model, or with a trained noisy classifier:
 * {@link org.score4j.guidance.TrainedClassifierGuidance}). Both check the model when they wrap its score: cfg
 * and the exact classifier need a model with classes; a trained classifier needs the model's sample shape and
 * the SDE it was trained under.
 *
 * <p><b>Order.</b> The pipeline applies guidances in the order given, each wrapping the score the previous
 * one produced: for {@code [g1, g2]} the solver sees {@code g2.wrap(g1.wrap(model score))}. Classifier
 * guidance is additive, so it composes with anything in either order; cfg replaces the caller's conditioning
 * with its own class, so a cfg may not wrap another cfg (directly or through classifier guidances). The
 * entry point is {@link org.score4j.guidance.GuidancePlugin}.
 */
package org.score4j.guidance;
