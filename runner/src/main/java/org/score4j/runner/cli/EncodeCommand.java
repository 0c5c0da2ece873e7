package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code score4j encode}: the latent codes x(T) of data rows along the probability-flow ODE. */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Latent codes of data rows: integrates the probability-flow ODE from t0 to T.",
                "Per-row adaptive RK45 in float64 (tolerances from --set solver.rtol/solver.atol, default 1e-5); "
                        + "writes float64 .npy of the input's shape, with provenance beside it. "
                        + "'score4j decode' maps the codes back."})
final class EncodeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    PipelineOptions options = new PipelineOptions();

    @Option(names = "--data", required = true, paramLabel = "IN.npy",
            description = "Data rows, shape [n, ...sample shape of the model].")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Latents, float64.")
    Path out;

    @Override
    public Integer call() {
        return CodecCommands.run(main, options, data, out, true);
    }
}
