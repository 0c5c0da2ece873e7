package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A U-Net score network for images in the style of DDPM and score_sde's DDPM++ (Ho et al. 2020, Appendix B;
 * Song et al. 2021, Appendix H; Ronneberger et al. 2015), laid out by a {@link UNetArchitecture}:
 * <ul>
 *   <li>time embedding: {@link TimeEmbedding} of t, then Linear(4·base) → SiLU → Linear(4·base); for a
 *       class-conditional network, plus row {@code label} of a learned table of K + 1 rows (row K is the
 *       "null" label of unconditional rows, as classifier-free guidance trains it, Ho &amp; Salimans 2022);
 *       the blocks read SiLU of the sum;</li>
 *   <li>a 3×3 input convolution to {@code base} channels;</li>
 *   <li>down: per level, {@code resBlocks} {@link ResidualBlock}s (each followed by an
 *       {@link AttentionBlock} at the listed resolutions), then, except at the last level, a down-sampling
 *       by 2 (a stride-2 3×3 convolution, or 2×2 average pooling); every block's output is kept for a skip
 *       connection;</li>
 *   <li>middle: residual block, attention (when the lowest resolution is listed), residual block;</li>
 *   <li>up: per level from the lowest, {@code resBlocks + 1} residual blocks on the concatenation with the
 *       kept outputs (in reverse order), attention as on the way down, and an {@link Upsample} except at the
 *       first level;</li>
 *   <li>GroupNorm → SiLU → 3×3 output convolution back to C channels.</li>
 * </ul>
 *
 * <p>Input {@code NDList(x [n, C, H, W], t [n])}, and for K &gt; 0 {@code NDList(x, t, labels)} with int32
 * labels [n] in 0..K (K: unconditional); without labels a class-conditional network treats every row as
 * unconditional. Output {@code NDList([n, C, H, W])}. Every operation is called on the inputs or arrays
 * derived from them, so a forward pass lives in the inputs' manager.
 *
 * <p>Initialization ({@link #initializer}): weights uniform ±1/√fan_in (PyTorch's default for linear and
 * convolution layers), biases and GroupNorm shifts zero, GroupNorm scales one, the Fourier frequencies
 * N(0, scale²), the class table N(0, 1) (PyTorch's embedding default); the second convolution of every residual
 * block, the output convolution of every attention block and the network's output convolution start at zero
 * (as ADM's {@code zero_module}), so a new network outputs zeros and every block starts as a skip.
 */
final class UNetNetwork extends AbstractBlock implements ScoreNetwork {
    private static final byte VERSION = 1;

    /** What a stage of the path does. */
    private enum Role {
        /** A residual block on h. */
        RES,
        /** A residual block on the concatenation of h and the newest kept output. */
        RES_SKIP,
        /** Self-attention on h. */
        ATTENTION,
        /** Down-sampling. */
        DOWN,
        /** Up-sampling. */
        UP
    }

    /** One block of the path; {@code keep}: its output is kept for a skip connection. */
    private record Stage(Role role, Block block, boolean keep) {}

    private final UNetArchitecture arch;
    private final double fourierScale;
    private final TimeEmbedding embedding;
    private final Linear time0;
    private final Linear time1;
    private final Parameter classTable;
    private final Conv2d input;
    private final List<Stage> stages = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv2d output;
    private final Set<Parameter> zero = Collections.newSetFromMap(new IdentityHashMap<>());

    UNetNetwork(UNetArchitecture arch, double fourierScale) {
        super(VERSION);
        this.arch = arch;
        this.fourierScale = fourierScale;
        embedding = addChildBlock("embedding", new TimeEmbedding(arch.embedding(), arch.embeddingDim()));
        time0 = addChildBlock("time0", Linear.builder().setUnits(arch.timeWidth()).build());
        time1 = addChildBlock("time1", Linear.builder().setUnits(arch.timeWidth()).build());
        classTable = arch.numClasses() > 0
                ? addParameter(Parameter.builder().setName("classes").setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(arch.numClasses() + 1, arch.timeWidth())).build())
                : null;
        input = addChildBlock("input", conv3x3(arch.base(), 1));
        int groups = arch.groups();
        double dropout = arch.dropout();
        int site = 0;
        List<Integer> kept = new ArrayList<>();
        int ch = arch.base();
        kept.add(ch);
        for (int i = 0; i < arch.levels(); i++) {
            int out = arch.channelsOf(i);
            for (int b = 0; b < arch.resBlocks(); b++) {
                add("down" + i + "_res" + b, Role.RES, new ResidualBlock(ch, out, groups, dropout, site++),
                        !arch.attends(i));
                ch = out;
                if (arch.attends(i)) {
                    add("down" + i + "_attn" + b, Role.ATTENTION, new AttentionBlock(ch, groups), true);
                }
                kept.add(ch);
            }
            if (i < arch.levels() - 1) {
                Block down = arch.avgPoolDown() ? Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2))
                        : conv3x3(ch, 2);
                add("down" + i + "_down", Role.DOWN, down, true);
                kept.add(ch);
            }
        }
        int last = arch.levels() - 1;
        add("mid_res0", Role.RES, new ResidualBlock(ch, ch, groups, dropout, site++), false);
        if (arch.attends(last)) {
            add("mid_attn", Role.ATTENTION, new AttentionBlock(ch, groups), false);
        }
        add("mid_res1", Role.RES, new ResidualBlock(ch, ch, groups, dropout, site++), false);
        for (int i = last; i >= 0; i--) {
            int out = arch.channelsOf(i);
            for (int b = 0; b <= arch.resBlocks(); b++) {
                int skip = kept.remove(kept.size() - 1);
                add("up" + i + "_res" + b, Role.RES_SKIP, new ResidualBlock(ch + skip, out, groups, dropout, site++),
                        false);
                ch = out;
                if (arch.attends(i)) {
                    add("up" + i + "_attn" + b, Role.ATTENTION, new AttentionBlock(ch, groups), false);
                }
            }
            if (i > 0) {
                add("up" + i + "_up", Role.UP, new Upsample(ch), false);
            }
        }
        outNorm = addChildBlock("out_norm", new GroupNorm(groups, ch));
        output = addChildBlock("output", conv3x3(arch.channels(), 1));
        zero.addAll(output.getParameters().values());
    }

    /** A 3×3 convolution with padding 1 to {@code filters} channels. */
    static Conv2d conv3x3(int filters, int stride) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .optStride(new Shape(stride, stride)).setFilters(filters).build();
    }

    private void add(String name, Role role, Block block, boolean keep) {
        addChildBlock(name, block);
        stages.add(new Stage(role, block, keep));
        if (block instanceof ResidualBlock r) {
            zero.addAll(r.zeroInitialized());
        } else if (block instanceof AttentionBlock a) {
            zero.addAll(a.zeroInitialized());
        }
    }

    /** The layout. */
    UNetArchitecture architecture() {
        return arch;
    }

    @Override
    public Initializer initializer(Parameter p, long seed) {
        if (zero.contains(p)) {
            return new SeededInit(SeededInit.Kind.ZEROS, seed, 0);
        }
        switch (p.getType()) {
            case GAMMA:
                return new SeededInit(SeededInit.Kind.ONES, seed, 0);
            case OTHER:
                return new SeededInit(SeededInit.Kind.GAUSSIAN, seed, fourierScale);
            case WEIGHT:
                return p == classTable ? new SeededInit(SeededInit.Kind.GAUSSIAN, seed, 1)
                        : new SeededInit(SeededInit.Kind.FAN_IN_UNIFORM, seed, 1);
            default:
                return new SeededInit(SeededInit.Kind.ZEROS, seed, 0);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray t = inputs.get(1);
        Shape shape = x.getShape();
        if (shape.dimension() != 4 || !shape.slice(1).equals(arch.sampleShape())) {
            throw new IllegalArgumentException("U-Net expects a batch of shape [n, " + arch.sampleShape() + "], got "
                    + shape);
        }
        long n = shape.get(0);
        NDArray temb = embedding.forward(ps, new NDList(t), training, params).singletonOrThrow();
        temb = ResidualBlock.silu(time0.forward(ps, new NDList(temb), training, params).singletonOrThrow());
        temb = time1.forward(ps, new NDList(temb), training, params).singletonOrThrow();
        if (classTable != null) {
            NDArray labels = inputs.size() > 2 ? inputs.get(2)
                    : x.getManager().full(new Shape(n), arch.numClasses());
            NDArray table = ps.getValue(classTable, x.getDevice(), training);
            temb = temb.add(labels.getNDArrayInternal().embedding(labels, table, SparseFormat.DENSE)
                    .singletonOrThrow());
        }
        NDArray e = ResidualBlock.silu(temb);
        PairList<String, Object> p = params;
        if (training && arch.dropout() > 0) {
            p = new PairList<>();
            if (params != null) {
                p.addAll(params);
            }
            p.add(SeededDropout.ROW_SEEDS, SeededDropout.rowSeeds(x, t));
        }
        NDArray h = input.forward(ps, new NDList(x), training, p).singletonOrThrow();
        Deque<NDArray> kept = new ArrayDeque<>();
        kept.push(h);
        for (Stage s : stages) {
            switch (s.role()) {
                case RES:
                    h = s.block().forward(ps, new NDList(h, e), training, p).singletonOrThrow();
                    break;
                case RES_SKIP:
                    h = s.block().forward(ps, new NDList(h.concat(kept.pop(), 1), e), training, p)
                            .singletonOrThrow();
                    break;
                default:
                    h = s.block().forward(ps, new NDList(h), training, p).singletonOrThrow();
                    break;
            }
            if (s.keep()) {
                kept.push(h);
            }
        }
        h = ResidualBlock.silu(outNorm.forward(ps, new NDList(h), training, p).singletonOrThrow());
        return output.forward(ps, new NDList(h), training, p);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long n = x.get(0);
        embedding.initialize(manager, dataType, inputShapes[1]);
        time0.initialize(manager, dataType, new Shape(n, arch.embeddingDim()));
        time1.initialize(manager, dataType, new Shape(n, arch.timeWidth()));
        Shape e = new Shape(n, arch.timeWidth());
        input.initialize(manager, dataType, x);
        Shape h = input.getOutputShapes(new Shape[] {x})[0];
        Deque<Shape> kept = new ArrayDeque<>();
        kept.push(h);
        for (Stage s : stages) {
            Shape in = h;
            if (s.role() == Role.RES_SKIP) {
                Shape skip = kept.pop();
                in = new Shape(n, h.get(1) + skip.get(1), h.get(2), h.get(3));
            }
            Shape[] shapes = s.role() == Role.RES || s.role() == Role.RES_SKIP ? new Shape[] {in, e}
                    : new Shape[] {in};
            s.block().initialize(manager, dataType, shapes);
            h = s.block().getOutputShapes(shapes)[0];
            if (s.keep()) {
                kept.push(h);
            }
        }
        outNorm.initialize(manager, dataType, h);
        output.initialize(manager, dataType, h);
    }

    @Override
    public String toString() {
        return arch.describe();
    }
}
