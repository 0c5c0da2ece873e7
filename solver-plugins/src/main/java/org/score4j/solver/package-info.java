/**
 * Samplers of the reverse-time SDE and the probability-flow ODE (Song et al. 2021): predictors, correctors,
 * the predictor–corrector solver, fixed-step and adaptive ODE solvers, DDIM, DPM-Solver++(2M) and the EDM
 * (Karras) sampler, all seeing only the forward {@link org.score4j.api.sde.Sde} and a
 * {@link org.score4j.api.model.ScoreFunction}. Entry point: {@link org.score4j.solver.SolverPlugin}.
 */
package org.score4j.solver;
