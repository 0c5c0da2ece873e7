package org.score4j.model.nn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * Counting, saving and loading the parameters of a DJL block in DJL's parameter format
 * ({@link Block#saveParameters}), for the networks whose parameters a model or classifier owns. Loading checks
 * the parameters on a scratch block of the same architecture first, so that parameters of another network leave
 * the block as it was. Stateless.
 */
final class NetworkParameters {
    private NetworkParameters() {}

    /** The number of parameter values of an initialized block. */
    static long count(Block network) {
        long count = 0;
        for (Pair<String, Parameter> p : network.getParameters()) {
            count += p.getValue().getArray().size();
        }
        return count;
    }

    /** Writes the parameters of {@code network}; does not close {@code out}. */
    static void save(Block network, OutputStream out) throws IOException {
        DataOutputStream dos = new DataOutputStream(out);
        network.saveParameters(dos);
        dos.flush();
    }

    /**
     * Replaces the parameters of {@code network} (held by {@code manager}) with those {@code in} holds, after
     * loading them into a fresh block of {@code architecture} in a scratch manager: they must fill it exactly
     * (no bytes left), with the same parameter names and shapes. A parameter keeps whether it requires a
     * gradient.
     *
     * @param what what the network is, for messages ("network", "classifier")
     * @throws IOException when the stream cannot be read or holds parameters of another network; {@code network}
     *     is then left as it was
     */
    static void load(Block network, NDManager manager, Supplier<? extends Block> architecture, InputStream in,
            String what) throws IOException {
        byte[] bytes = in.readAllBytes();
        ParameterList mine = network.getParameters();
        try (NDManager scratch = manager.newSubManager()) {
            Block probe = architecture.get();
            ByteArrayInputStream stream = new ByteArrayInputStream(bytes);
            probe.loadParameters(scratch, new DataInputStream(stream));
            if (stream.available() > 0) {
                throw new IOException("the parameters are of another network: " + stream.available()
                        + " bytes are left after this network's parameters");
            }
            ParameterList theirs = probe.getParameters();
            if (theirs.size() != mine.size()) {
                throw new IOException("the parameters are of another network: " + theirs.size()
                        + " parameters, this one has " + mine.size());
            }
            for (int i = 0; i < mine.size(); i++) {
                Shape a = mine.get(i).getValue().getArray().getShape();
                Shape b = theirs.get(i).getValue().getArray().getShape();
                if (!mine.get(i).getKey().equals(theirs.get(i).getKey()) || !a.equals(b)) {
                    throw new IOException("the parameters are of another network: " + theirs.get(i).getKey() + " "
                            + b + " where this one has " + mine.get(i).getKey() + " " + a);
                }
            }
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException("not the parameters of this " + what + ": " + e.getMessage(), e);
        }
        for (Pair<String, Parameter> p : mine) {
            p.getValue().close();
        }
        try {
            network.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (MalformedModelException e) {
            throw new IOException(e.getMessage(), e);
        }
        for (Pair<String, Parameter> p : mine) {
            Parameter param = p.getValue();
            param.getArray().setRequiresGradient(param.requiresGradient());
        }
    }
}
