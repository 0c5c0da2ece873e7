package org.score4j.runner.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Sde;

/** Native memory stays flat over 10,000 steps: nothing accumulates in the run's managers. */
class MemoryTest {

    /** Wraps the gmm model and records how many arrays are alive at every evaluation. */
    private static ModelFactory probing(ModelFactory gmm, List<Integer> batchArrays) {
        return new ModelFactory() {
            public String name() {
                return "probe";
            }

            public String description() {
                return "gmm with a memory probe";
            }

            public Map<String, ConfigKey> configKeys() {
                return new LinkedHashMap<>();
            }

            public ScoreModel create(PluginConfig config) {
                ScoreModel inner = gmm.create(PluginConfig.of("model", gmm, Map.of()));
                return new ScoreModel() {
                    public Shape sampleShape() {
                        return inner.sampleShape();
                    }

                    public ScoreFunction scoreFunction(Sde sde) {
                        ScoreFunction f = inner.scoreFunction(sde);
                        return new ScoreFunction() {
                            public NDArray score(NDArray x, NDArray t, Conditioning c) {
                                record(x);
                                return f.score(x, t, c);
                            }

                            public NDArray score(NDArray x, double t, Conditioning c) {
                                record(x);
                                return f.score(x, t, c);
                            }

                            private void record(NDArray x) {
                                batchArrays.add(rootOf(x).getManagedArrays().size());
                            }
                        };
                    }

                    public void close() {
                        inner.close();
                    }
                };
            }
        };
    }

    /** The engine's root manager (its array count covers every manager below it). */
    private static NDManager rootOf(NDArray x) {
        NDManager m = x.getManager();
        while (true) {
            NDManager parent = m.getParentManager();
            if (parent == null || parent == m) {
                return m;
            }
            m = parent;
        }
    }

    @Test
    void flatOverTenThousandSteps() throws IOException {
        List<Integer> counts = new ArrayList<>();
        Registries base = TestPlugins.registries(Map.of());
        ModelFactory probe = probing(base.models().get("gmm"), counts);
        PipelineAssembler a = new PipelineAssembler(TestPlugins.registries(Map.of("probe", probe)));
        PipelineSpec spec = PipelineSpec.defaults().withModel(PluginRef.of("probe")).withSteps(10_000).withN(64);
        // the first long run warms up (allocator caches, compiled code); the later ones must not grow. The
        // resident size also moves with the JIT's code cache and the allocator's arenas, so one run's growth
        // is noisy on a busy machine; a leak grows it on every run, so the smaller of two growths is bounded
        long[] resident = new long[3];
        for (int run = 0; run < 3; run++) {
            counts.clear();
            try (Pipeline p = a.assemble(spec)) {
                RunLoop.run(p, "mem", e -> { }, new Cancellation());
            }
            resident[run] = nativeKb();
        }
        assertThat(counts).hasSize(20_000);
        System.out.printf("memory: resident outside the heap %d, %d, %d kB after runs 1, 2, 3%n", resident[0],
                resident[1], resident[2]);
        // arrays alive in every DJL manager at each evaluation: the same
        // few values at the start of the run as at its end
        java.util.Set<Integer> early = new java.util.TreeSet<>(counts.subList(10, 2010));
        java.util.Set<Integer> late = new java.util.TreeSet<>(counts.subList(counts.size() - 2000, counts.size()));
        assertThat(late).isEqualTo(early);
        assertThat(java.util.Collections.max(counts)).isLessThan(10);
        if (resident[0] > 0) {
            long growth = Math.min(resident[1] - resident[0], resident[2] - resident[1]);
            assertThat(growth).as("the smaller resident growth of two runs of 10,000 steps, kB").isLessThan(40_000);
        }
    }

    @Test
    void flatForBothInverseMethods() {
        List<Integer> counts = new ArrayList<>();
        Registries base = TestPlugins.registries(Map.of());
        ModelFactory probe = probing(base.models().get("gmm"), counts);
        PipelineAssembler a = new PipelineAssembler(TestPlugins.registries(Map.of("probe", probe)));
        PipelineSpec spec = PipelineSpec.defaults().withModel(PluginRef.of("probe")).withSteps(2000).withN(16);
        for (String method : List.of("projection", "dps")) {
            counts.clear();
            try (Pipeline p = a.assemble(spec, new InverseSpec(PluginRef.of("inpaint").with("noise", "0.1"),
                    PluginRef.of(method)))) {
                float[] y = {0.5f, -1, 2, 0};
                RunLoop.run(p, p.measurementConditioning(y, 4, 4), "mem", e -> { }, new Cancellation());
            }
            assertThat(counts).as(method).hasSize(4000);
            java.util.Set<Integer> early = new java.util.TreeSet<>(counts.subList(10, 410));
            java.util.Set<Integer> late = new java.util.TreeSet<>(counts.subList(counts.size() - 400, counts.size()));
            assertThat(late).as(method).isEqualTo(early);
            assertThat(java.util.Collections.max(counts)).as(method).isLessThan(40);
        }
    }

    /** Resident memory outside the Java heap: RSS minus the committed heap, after a collection. */
    private static long nativeKb() throws IOException {
        System.gc();
        long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        long rss = rssKb();
        return rss < 0 ? -1 : rss - heap / 1024;
    }

    private static long rssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
