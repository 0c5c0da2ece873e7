/** Score-model plugins of score4j; {@link org.score4j.model.ModelPlugin} is the jar's entry point. */
package org.score4j.model;
