/** Randomness: per-sample streams that make results independent of batching. */
package org.score4j.api.noise;
