/** Forward processes: {@link org.score4j.api.sde.Sde} and its Gaussian kernels. */
package org.score4j.api.sde;
