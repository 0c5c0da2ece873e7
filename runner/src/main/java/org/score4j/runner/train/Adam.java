package org.score4j.runner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) in PyTorch's formulation: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * θ ← θ − (lr/(1−β₁ᵏ))·m / (√v/√(1−β₂ᵏ) + ε), with score_sde's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and
 * no weight decay.
 *
 * <p>The state — the moments m and v of every parameter and the step count k — is explicit: it lives in a
 * manager the caller gives, can be written with {@link #save(OutputStream)} (DJL's {@link NDList} encoding, the
 * moments in parameter order, named {@code m:<parameter>} and {@code v:<parameter>}) and read back with
 * {@link #load}, so a resumed run continues bit for bit. Parameters are updated in place through a detached
 * alias (no gradient is recorded). Not thread-safe.
 */
final class Adam {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final List<String> names;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long step;

    /** Zero moments shaped like {@code params}, created in {@code manager}. */
    Adam(List<String> names, List<NDArray> params, NDManager manager) {
        this.names = List.copyOf(names);
        for (NDArray p : params) {
            m.add(manager.zeros(p.getShape(), p.getDataType()));
            v.add(manager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** The number of updates applied. */
    long step() {
        return step;
    }

    /** Every array of the state (to move it between managers). */
    List<NDArray> arrays() {
        List<NDArray> all = new ArrayList<>(m);
        all.addAll(v);
        return all;
    }

    /**
     * One update of {@code params} (in place) with {@code grads}, at learning rate {@code lr}. The temporary
     * arrays belong to the managers of the gradients and moments.
     */
    void update(List<NDArray> params, List<NDArray> grads, double lr) {
        step++;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2 = Math.sqrt(1 - Math.pow(BETA2, step));
        for (int i = 0; i < params.size(); i++) {
            NDArray g = grads.get(i);
            NDArray mi = m.get(i);
            NDArray vi = v.get(i);
            mi.muli(BETA1).addi(g.mul(1 - BETA1));
            vi.muli(BETA2).addi(g.square().muli(1 - BETA2));
            NDArray denom = vi.sqrt().divi(bc2).addi(EPS);
            NDArray delta = mi.div(denom).muli(lr / bc1);
            NDArray alias = params.get(i).stopGradient();
            alias.subi(delta);
        }
    }

    /** Writes the moments (DJL's NDList encoding); the step count goes into the manifest. */
    void save(OutputStream out) throws IOException {
        NDList list = new NDList();
        for (int i = 0; i < m.size(); i++) {
            m.get(i).setName("m:" + names.get(i));
            list.add(m.get(i));
        }
        for (int i = 0; i < v.size(); i++) {
            v.get(i).setName("v:" + names.get(i));
            list.add(v.get(i));
        }
        list.encode(out);
    }

    /**
     * Replaces the state with moments read from {@code in} and the step count {@code step}.
     *
     * @throws IOException when the stream does not hold moments of these parameters
     */
    void load(InputStream in, long step, NDManager manager) throws IOException {
        NDList list;
        try {
            list = NDList.decode(manager, in);
        } catch (RuntimeException e) {
            throw new IOException("unreadable optimizer state: " + e.getMessage(), e);
        }
        int p = names.size();
        if (list.size() != 2 * p) {
            list.close();
            throw new IOException("the optimizer state holds " + list.size() + " arrays, expected " + 2 * p);
        }
        for (int i = 0; i < 2 * p; i++) {
            NDArray a = list.get(i);
            String expected = (i < p ? "m:" : "v:") + names.get(i % p);
            NDArray current = (i < p ? m : v).get(i % p);
            if (!expected.equals(a.getName()) || !a.getShape().equals(current.getShape())) {
                String found = a.getName() + " " + a.getShape();
                list.close();
                throw new IOException("the optimizer state holds " + found + " where " + expected + " "
                        + current.getShape() + " was expected");
            }
        }
        for (int i = 0; i < p; i++) {
            m.set(i, list.get(i)).close();
            v.set(i, list.get(p + i)).close();
        }
        this.step = step;
    }
}
