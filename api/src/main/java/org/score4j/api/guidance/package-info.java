/** Guidance: decorators of the score function. */
package org.score4j.api.guidance;
