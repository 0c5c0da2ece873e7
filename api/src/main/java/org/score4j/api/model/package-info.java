/** Score models and the score function every solver sees. */
package org.score4j.api.model;
