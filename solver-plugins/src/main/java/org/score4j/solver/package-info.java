/**
 * Samplers of the reverse-time SDE and the probability-flow ODE (Song et al. 2021): predictors, correctors,
 * the predictor–corrector solver and fixed-step and adaptive ODE solvers, all seeing only the forward
 * {@link org.score4j.api.sde.Sde} and a {@link org.score4j.api.model.ScoreFunction}. Entry point:
 * {@link org.score4j.solver.SolverPlugin}.
 */
package org.score4j.solver;
