/**
 * The built-in forward processes and time grids of score4j.
 *
 * <p>SDEs ({@code --sde}): {@link org.score4j.sde.VeSde ve}, {@link org.score4j.sde.VpSde vp} and
 * {@link org.score4j.sde.SubVpSde subvp} (Song et al. 2021, §3.4), with score_sde's defaults, and the discrete
 * {@link org.score4j.sde.DdpmSde ddpm} process (Ho et al. 2020) embedded in continuous time. Time grids
 * ({@code --schedule}): {@link org.score4j.sde.UniformSchedule uniform},
 * {@link org.score4j.sde.QuadraticSchedule quadratic}, {@link org.score4j.sde.KarrasSchedule karras} and
 * {@link org.score4j.sde.LogSnrSchedule logsnr}. The entry point is {@link org.score4j.sde.SdePlugin}.
 */
package org.score4j.sde;
