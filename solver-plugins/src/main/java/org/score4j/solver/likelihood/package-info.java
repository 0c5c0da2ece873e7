/**
 * Exact likelihoods and latent codes through the probability-flow ODE (Song et al. 2021, "Score-Based
 * Generative Modeling through SDEs", §4.3 and Appendix D.2): {@link
 * org.score4j.solver.likelihood.ProbabilityFlowLikelihood} integrates the ODE together with the divergence of
 * its velocity ({@link org.score4j.solver.likelihood.ExactTrace} or
 * {@link org.score4j.solver.likelihood.HutchinsonTrace}); {@link org.score4j.solver.likelihood.LatentCodec}
 * maps data to the prior and back; {@link org.score4j.solver.likelihood.LatentInterpolation} interpolates
 * between latents. Everything runs in float64 on the per-row adaptive
 * {@link org.score4j.solver.DormandPrinceIntegrator}.
 *
 * <p>The divergence is taken with DJL's autograd, which the PyTorch engine allows on one thread at a time in
 * the whole process: run one likelihood computation at a time.
 */
package org.score4j.solver.likelihood;
