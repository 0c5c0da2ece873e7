package org.score4j.api.data;

/**
 * The affine map from stored values to the values a model is trained on: {@code model = stored·scale + offset}
 * (for example 8-bit images in [0, 255] to [−1, 1], as in Song et al. 2021 and Ho et al. 2020). Recorded with
 * every checkpoint so that samples can be mapped back to the data's units with {@link #toStored(double)}.
 * Immutable.
 *
 * @param scale the factor, finite and non-zero
 * @param offset the shift, finite
 */
public record DataScaling(double scale, double offset) {
    /** Values used as stored. */
    public static final DataScaling IDENTITY = new DataScaling(1, 0);

    /** Bytes in [0, 255] to [−1, 1]: v/127.5 − 1. */
    public static final DataScaling BYTES_TO_SYMMETRIC = new DataScaling(1 / 127.5, -1);

    public DataScaling {
        if (!Double.isFinite(scale) || scale == 0 || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("invalid data scaling: scale=" + scale + ", offset=" + offset
                    + "; scale must be finite and non-zero, offset finite");
        }
    }

    /** A stored value in model space. */
    public double toModel(double stored) {
        return stored * scale + offset;
    }

    /** A model-space value in the data's units. */
    public double toStored(double model) {
        return (model - offset) / scale;
    }
}
