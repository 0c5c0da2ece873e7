/**
 * Solvers: predictors, correctors, whole samplers stepping an explicit state, and time grids.
 */
package org.score4j.api.solver;
