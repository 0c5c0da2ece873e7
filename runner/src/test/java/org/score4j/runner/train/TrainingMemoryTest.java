package org.score4j.runner.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.pipeline.PluginRef;

/**
 * Native memory stays flat over thousands of training steps: the number of arrays alive in every DJL manager is
 * the same late in a run as early in it, and resident memory outside the Java heap does not grow from one run of
 * 2000 steps to the next once the process is warm (a first run warms up the allocator and compiled code; the
 * compiler's arenas alone grow the resident size by tens of MB early on). With 256 × 64 activations, leaking
 * one array per step would add 128 MB per run.
 */
class TrainingMemoryTest {
    @TempDir
    Path dir;

    /** The engine's root manager, whose array count covers every manager below it. */
    static NDManager root() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDManager r = m;
            while (r.getParentManager() != null && r.getParentManager() != r) {
                r = r.getParentManager();
            }
            return r;
        }
    }

    @Test
    void flatOverTwoThousandStepsTwice() throws IOException, InterruptedException {
        NDManager root = root();
        TrainingSpec spec = TrainingSpec.defaults()
                .withData(PluginRef.of("gmm-samples").with("n", "500"))
                .withModel(PluginRef.of("mlp").with("width", "64").with("depth", "1").with("embedding_dim", "8"))
                .withBatchSize(256);
        TrainingOptions options = TrainingOptions.defaults().withIterations(2000).withCheckpointEvery(2000)
                .withLogEvery(1);
        TrainerTest.SCORE4J.trainer().train(spec, options, dir.resolve("warm"), p -> { });
        long[] resident = new long[3];
        List<Integer> counts = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            counts.clear();
            TrainerTest.SCORE4J.trainer().train(spec, options, dir.resolve("run" + run),
                    p -> counts.add(root.getManagedArrays().size()));
            resident[run] = nativeKb();
            assertThat(new TreeSet<>(counts.subList(counts.size() - 500, counts.size() - 1)))
                    .isEqualTo(new TreeSet<>(counts.subList(10, 509)));
        }
        assertThat(counts).hasSizeGreaterThanOrEqualTo(2000);
        System.out.printf("training memory: arrays alive %s early, %s late; resident outside the heap %d kB after "
                + "run 1, %d kB after run 2%n", new TreeSet<>(counts.subList(10, 500)),
                new TreeSet<>(counts.subList(counts.size() - 500, counts.size())), resident[0], resident[1]);
        assertThat(Collections.max(counts) - Collections.min(counts.subList(10, counts.size()))).isLessThan(5);
        if (resident[0] > 0) {
            // a leak grows with every run; a one-off growth of the native allocator's pools (seen when other
            // tests ran before in the same JVM) does not repeat
            long growth = Math.min(resident[1] - resident[0], resident[2] - resident[1]);
            assertThat(growth).as("resident growth per run of 2000 steps, kB").isLessThan(40_000);
        }
    }

    /**
     * Resident memory outside the Java heap: RSS minus the committed heap, after collections that also let the
     * cleaners of released direct buffers run.
     */
    static long nativeKb() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) - heap / 1024;
            }
        }
        return -1;
    }
}
