package org.score4j.runner.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.score4j.api.Score4jException;

/**
 * PyTorch's intra-op thread count (the threads one tensor operation may use), read and changed at run time.
 *
 * <p>With PyTorch's OpenMP backend the setting applies to operations started from the calling thread (and to
 * threads that issue their first operation afterwards), so call {@link #set(int)} on the thread that runs the
 * work.
 */
public final class IntraOpThreads {
    private IntraOpThreads() {}

    /** The current intra-op thread count of the calling thread. */
    public static int get() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }

    /**
     * Sets the intra-op thread count.
     *
     * @throws Score4jException when {@code threads} is not positive or the engine does not take the setting
     */
    public static void set(int threads) {
        if (threads < 1) {
            throw new Score4jException("threads must be a positive integer, got " + threads);
        }
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        int now = JniUtils.getNumThreads();
        if (now != threads) {
            throw new Score4jException("PyTorch kept " + now + " intra-op threads when asked for " + threads);
        }
    }
}
