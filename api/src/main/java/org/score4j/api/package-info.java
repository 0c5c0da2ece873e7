/**
 * The score4j API: the small, stable surface every plugin and every front end shares.
 *
 * <p>Sub-packages hold the forward processes ({@code sde}), score models ({@code model}), solvers
 * ({@code solver}), guidance ({@code guidance}), inverse problems ({@code inverse}), run events ({@code event}), pipeline specifications
 * ({@code pipeline}), randomness ({@code noise}) and the plugin SPI ({@code plugin}). The API depends on
 * DJL's engine-agnostic {@code ai.djl:api} only.
 */
package org.score4j.api;
