package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code score4j decode}: data rows x(t0) of latent codes along the probability-flow ODE. */
@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Data of latent codes: integrates the probability-flow ODE from T to t0.",
                "Per-row adaptive RK45 in float64 (tolerances from --set solver.rtol/solver.atol, default 1e-5); "
                        + "writes float64 .npy of the input's shape, with provenance beside it. Decoding prior "
                        + "samples is sampling with --solver ode."})
final class DecodeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    PipelineOptions options = new PipelineOptions();

    @Option(names = "--data", required = true, paramLabel = "IN.npy",
            description = "Latent rows, shape [n, ...sample shape of the model].")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Decoded data, float64.")
    Path out;

    @Override
    public Integer call() {
        return CodecCommands.run(main, options, data, out, false);
    }
}
