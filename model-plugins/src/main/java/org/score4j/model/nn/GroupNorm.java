package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalization (Wu &amp; He 2018, eq. 1 with the groups of §3.1): the channels of each example are split
 * into G groups, each group normalized by its own mean and variance over its channels and positions
 * (ε = 10⁻⁶ as score_sde's and ADM's networks), then scaled and shifted per channel by the learned γ and β.
 * No batch statistics: rows are independent.
 *
 * <p>Input {@code [n, C, H, W]}, output of the same shape. γ and β are stored with shape {@code (C, 1, 1)} so
 * that they broadcast without an operation on the parameters; every array of a forward pass belongs to the
 * input's manager.
 */
final class GroupNorm extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final float EPS = 1e-6f;

    private final int groups;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;

    GroupNorm(int groups, int channels) {
        super(VERSION);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(groups + " groups do not divide " + channels + " channels");
        }
        this.groups = groups;
        this.channels = channels;
        this.gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels, 1, 1)).build());
        this.beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels, 1, 1)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        if (shape.dimension() != 4 || shape.get(1) != channels) {
            throw new IllegalArgumentException("group norm of " + channels + " channels got " + shape);
        }
        long n = shape.get(0);
        long size = shape.size() / (n * groups);
        NDArray grouped = x.reshape(n, groups, size);
        // the engine's fused layer norm over each group; its elementwise affine is the identity, the
        // per-channel affine follows
        NDManager nd = x.getManager();
        Shape last = new Shape(size);
        NDArray normed = grouped.getNDArrayInternal().layerNorm(grouped, last, nd.ones(last), nd.zeros(last), EPS)
                .singletonOrThrow();
        NDArray g = ps.getValue(gamma, x.getDevice(), training);
        NDArray b = ps.getValue(beta, x.getDevice(), training);
        return new NDList(normed.reshape(shape).mul(g).add(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "GroupNorm(" + groups + ", " + channels + ")";
    }
}
