/**
 * Inverse problems: the measurement operators {@code inpaint} ({@link org.score4j.guidance.inverse.InpaintOperator}),
 * {@code super-resolution} ({@link org.score4j.guidance.inverse.SuperResolutionOperator}), {@code deblur}
 * ({@link org.score4j.guidance.inverse.DeblurOperator}), {@code colorize}
 * ({@link org.score4j.guidance.inverse.ColorizeOperator}), {@code tomography}
 * ({@link org.score4j.guidance.inverse.TomographyOperator}) and {@code matrix}
 * ({@link org.score4j.guidance.inverse.MatrixOperator}), all linear, each with the measurement noise key
 * {@code noise}; and the posterior sampling methods {@code projection}
 * ({@link org.score4j.guidance.inverse.ProjectionMethod}) and {@code dps}
 * ({@link org.score4j.guidance.inverse.DpsMethod}).
 *
 * <p>Every operator accepts batches in the sample's own shape and flattened, computes with operations on its
 * input, and treats rows independently. The docs page {@code docs/inverse-problems.md} gives the formulas and the
 * measured distance of each method from the exact posterior of Gaussian mixtures.
 */
package org.score4j.guidance.inverse;
