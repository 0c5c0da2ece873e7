package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Up-sampling by 2 (DDPM's {@code Upsample} with a convolution): nearest-neighbour interpolation to
 * (2H, 2W), then a 3×3 convolution keeping the channels. Input {@code [n, C, H, W]}, output
 * {@code [n, C, 2H, 2W]}, in the input's manager. The interpolation is a broadcast of each pixel over a 2×2
 * block ([n, C, H, 1, W, 1] → [n, C, H, 2, W, 2]), whose gradient (a sum over each block) the engine computes
 * faster than that of its interpolation operator.
 */
final class Upsample extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Conv2d conv;

    Upsample(int channels) {
        super(VERSION);
        conv = addChildBlock("conv", UNetNetwork.conv3x3(channels, 1));
    }

    private static Shape doubled(Shape x) {
        return new Shape(x.get(0), x.get(1), 2 * x.get(2), 2 * x.get(3));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray up = x.reshape(n, c, h, 1, w, 1).broadcast(new Shape(n, c, h, 2, w, 2)).reshape(n, c, 2 * h, 2 * w);
        return conv.forward(ps, new NDList(up), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {doubled(inputShapes[0])};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, doubled(inputShapes[0]));
    }
}
