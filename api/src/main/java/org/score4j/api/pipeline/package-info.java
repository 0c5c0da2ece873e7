/** Pipeline specifications: which plugins, with which configuration, at which sizes. */
package org.score4j.api.pipeline;
