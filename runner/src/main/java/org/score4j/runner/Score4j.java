package org.score4j.runner;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.score4j.api.event.RunEvent;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.discovery.DiscoveredPlugin;
import org.score4j.runner.discovery.PluginCatalog;
import org.score4j.runner.discovery.PluginLoader;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.InverseSpec;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.PipelineAssembler;
import org.score4j.runner.engine.RunLoop;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.train.Trainer;
import org.score4j.runner.wiring.PluginModule;

/**
 * The embedded entry point: discovers plugins once, then assembles and runs pipelines.
 *
 * <pre>{@code
 * Score4j score4j = Score4j.create();
 * SampleResult r = score4j.sample(PipelineSpec.defaults().withN(500).withSeed(1),
 *         event -> System.out.println(event));
 * }</pre>
 *
 * Thread-safe: runs may be started from several threads (each run owns its own native memory).
 */
public final class Score4j {
    private final PluginCatalog catalog;
    private final PipelineAssembler assembler;

    private Score4j(PluginCatalog catalog) {
        this.catalog = catalog;
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new PluginModule(catalog));
        this.assembler = injector.getInstance(PipelineAssembler.class);
    }

    /** Plugins on the class path, plus those in {@code ./plugins} when that directory exists. */
    public static Score4j create() {
        Path def = Path.of("plugins");
        return create(Files.isDirectory(def) ? def : null);
    }

    /**
     * Plugins on the class path plus the jars of {@code pluginsDir} ({@code null}: class path only).
     *
     * @throws org.score4j.runner.discovery.PluginLoadException on a broken or mismatched plugin or a
     *     duplicate name
     */
    public static Score4j create(Path pluginsDir) {
        List<DiscoveredPlugin> found = PluginLoader.standard().discover(pluginsDir);
        return new Score4j(PluginCatalog.of(found));
    }

    /** Everything discovered, by kind. */
    public PluginCatalog catalog() {
        return catalog;
    }

    /** The assembler over the discovered plugins. */
    public PipelineAssembler assembler() {
        return assembler;
    }

    /** A trainer over the discovered plugins ({@code score4j train}; see {@link Trainer}). */
    public Trainer trainer() {
        return new Trainer(assembler.registries());
    }

    /** Assembles a pipeline (validating everything) without running it; close it when done. */
    public Pipeline assemble(PipelineSpec spec) {
        return assembler.assemble(spec);
    }

    /**
     * Assembles a pipeline that samples the posterior of the inverse problem {@code inverse} (without running
     * it); run it with {@link RunLoop#run(Pipeline, org.score4j.api.model.Conditioning, String, Consumer,
     * Cancellation)} and the measurements of {@link Pipeline#measurementConditioning}. Close it when done.
     */
    public Pipeline assemble(PipelineSpec spec, InverseSpec inverse) {
        return assembler.assemble(spec, inverse);
    }

    /** Assembles and runs {@code spec}, reporting events to {@code listener}. */
    public SampleResult sample(PipelineSpec spec, Consumer<RunEvent> listener) {
        return sample(spec, newRunId(), listener, new Cancellation());
    }

    /** Assembles and runs {@code spec} under a given run id, cancellable through {@code cancellation}. */
    public SampleResult sample(PipelineSpec spec, String runId, Consumer<RunEvent> listener,
            Cancellation cancellation) {
        Objects.requireNonNull(listener, "listener");
        try (Pipeline p = assembler.assemble(spec)) {
            return RunLoop.run(p, runId, listener, cancellation);
        }
    }

    /** A fresh run identifier. */
    public static String newRunId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
