/**
 * The {@code gmm} model: Gaussian mixtures ({@link org.score4j.model.gmm.GaussianMixture}) and their exact
 * score under any linear SDE ({@link org.score4j.model.gmm.GmmScoreModel}), the reference against which
 * solvers, guidance and likelihoods are checked.
 */
package org.score4j.model.gmm;
