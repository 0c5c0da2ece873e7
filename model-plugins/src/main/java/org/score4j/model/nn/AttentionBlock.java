package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * Single-head self-attention over the positions of a feature map (Vaswani et al. 2017, eq. 1, as in DDPM's
 * U-Net, Ho et al. 2020, Appendix B, and score_sde's {@code AttnBlock} with {@code skip_rescale}):
 * GroupNorm, 1×1 convolutions to queries, keys and values, softmax(qᵀk/√C)·v over the H·W positions, a 1×1
 * output convolution, and the sum with the input divided by √2.
 *
 * <p>Input and output {@code [n, C, H, W]}; the cost grows with (H·W)², so it belongs at low resolutions. The
 * output convolution is {@link #zeroInitialized()}, so a new block passes its input through (scaled). Every
 * array of a forward pass belongs to the input's manager.
 */
final class AttentionBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final double SKIP_RESCALE = 1 / Math.sqrt(2);

    private final int channels;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d proj;

    AttentionBlock(int channels, int groups) {
        super(VERSION);
        this.channels = channels;
        norm = addChildBlock("norm", new GroupNorm(groups, channels));
        qkv = addChildBlock("qkv", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(3 * channels).build());
        proj = addChildBlock("proj", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(channels).build());
    }

    /** The parameters that start at zero: the output convolution's. */
    List<Parameter> zeroInitialized() {
        return proj.getParameters().values();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        long n = shape.get(0);
        long positions = shape.get(2) * shape.get(3);
        NDArray h = norm.forward(ps, new NDList(x), training, params).singletonOrThrow();
        NDList parts = qkv.forward(ps, new NDList(h), training, params).singletonOrThrow()
                .reshape(n, 3 * channels, positions).split(3, 1);
        NDArray q = GraphConstants.mul(parts.get(0), 1 / Math.sqrt(channels));
        NDArray k = parts.get(1);
        NDArray v = parts.get(2);
        // weights[i, j] = softmax_j(q_i · k_j); out[:, i] = Σ_j weights[i, j] v[:, j]. matMul, not batchMatMul:
        // the engine's batched product on these transposed views gave results that varied from run to run
        NDArray weights = q.transpose(0, 2, 1).matMul(k).softmax(2);
        NDArray attended = v.matMul(weights.transpose(0, 2, 1)).reshape(shape);
        NDArray out = proj.forward(ps, new NDList(attended), training, params).singletonOrThrow();
        return new NDList(GraphConstants.muli(x.add(out), SKIP_RESCALE));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        norm.initialize(manager, dataType, x);
        qkv.initialize(manager, dataType, x);
        proj.initialize(manager, dataType, x);
    }

    @Override
    public String toString() {
        return "AttentionBlock(" + channels + ")";
    }
}
