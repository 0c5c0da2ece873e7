package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The residual block of DDPM's and score_sde's U-Nets (Ho et al. 2020, Appendix B; Song et al. 2021, DDPM++
 * {@code ResnetBlockDDPM} with {@code skip_rescale}): GroupNorm → SiLU → conv 3×3, plus a linear projection of
 * the activated time embedding added per channel, then GroupNorm → SiLU → dropout → conv 3×3; the sum with the
 * input (through a 1×1 convolution when the channel count changes) is divided by √2.
 *
 * <p>Input {@code NDList(h [n, in, H, W], e [n, E])} with e = SiLU(time embedding); output
 * {@code [n, out, H, W]}. The second convolution is one of the {@link #zeroInitialized()} parameters' layers,
 * so a new block passes its input through. Dropout draws its masks with {@link SeededDropout} from the row
 * seeds the network passes in {@code params}. Every array of a forward pass belongs to the input's manager.
 */
final class ResidualBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final double SKIP_RESCALE = 1 / Math.sqrt(2);

    private final int in;
    private final int out;
    private final double dropout;
    private final int site;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear time;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d skip;

    /**
     * @param site this block's index among the network's dropout sites (seeds its masks)
     */
    ResidualBlock(int in, int out, int groups, double dropout, int site) {
        super(VERSION);
        this.in = in;
        this.out = out;
        this.dropout = dropout;
        this.site = site;
        norm1 = addChildBlock("norm1", new GroupNorm(groups, in));
        conv1 = addChildBlock("conv1", UNetNetwork.conv3x3(out, 1));
        time = addChildBlock("time", Linear.builder().setUnits(out).build());
        norm2 = addChildBlock("norm2", new GroupNorm(groups, out));
        conv2 = addChildBlock("conv2", UNetNetwork.conv3x3(out, 1));
        skip = in == out ? null : addChildBlock("skip", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(out).build());
    }

    /** The parameters that start at zero: the second convolution's. */
    List<Parameter> zeroInitialized() {
        return conv2.getParameters().values();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray e = inputs.get(1);
        long n = x.getShape().get(0);
        NDArray h = conv1.forward(ps, new NDList(silu(norm1.forward(ps, new NDList(x), training, params)
                .singletonOrThrow())), training, params).singletonOrThrow();
        NDArray proj = time.forward(ps, new NDList(e), training, params).singletonOrThrow();
        h = h.add(proj.reshape(n, out, 1, 1));
        h = silu(norm2.forward(ps, new NDList(h), training, params).singletonOrThrow());
        if (training && dropout > 0) {
            h = SeededDropout.apply(h, dropout, SeededDropout.rowSeeds(params), site);
        }
        h = conv2.forward(ps, new NDList(h), training, params).singletonOrThrow();
        NDArray s = skip == null ? x : skip.forward(ps, new NDList(x), training, params).singletonOrThrow();
        return new NDList(GraphConstants.muli(s.add(h), SKIP_RESCALE));
    }

    static NDArray silu(NDArray a) {
        return a.mul(Activation.sigmoid(a));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), out, x.get(2), x.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape y = new Shape(x.get(0), out, x.get(2), x.get(3));
        norm1.initialize(manager, dataType, x);
        conv1.initialize(manager, dataType, x);
        time.initialize(manager, dataType, inputShapes[1]);
        norm2.initialize(manager, dataType, y);
        conv2.initialize(manager, dataType, y);
        if (skip != null) {
            skip.initialize(manager, dataType, x);
        }
    }

    @Override
    public String toString() {
        return "ResidualBlock(" + in + " → " + out + ")";
    }
}
