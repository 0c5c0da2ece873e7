package org.score4j.runner.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.runner.Score4j;
import org.score4j.runner.discovery.PluginLoadException;
import org.score4j.runner.engine.RunFailedException;
import org.score4j.runner.engine.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code score4j} command line. Exit codes: 0 success, 1 a run failed (NaN, a plugin threw), 2 bad
 * input (flags, configuration, files, plugins), 3 an unexpected internal error.
 */
@Command(name = "score4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Score-based generative modelling: sample, train, likelihoods and latent codes, inverse problems, evaluate, fetch data sets, inspect plugins, benchmark.",
        subcommands = {PluginsCommand.class, SampleCommand.class, TrainCommand.class, LikelihoodCommand.class,
                EncodeCommand.class, DecodeCommand.class, InterpolateCommand.class, BenchCommand.class, BenchUNetCommand.class,
                BenchQualityCommand.class, EvaluateCommand.class, TrainClassifierCommand.class, DataCommand.class,
                MeasureCommand.class, InverseCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    public static final int EXIT_RUN_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_INTERNAL = 3;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @Option(names = "--plugins-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Directory of plugin jars (default: ./plugins when it exists).")
    Path pluginsDir;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        new CommandLine(this).usage(out);
        return 0;
    }

    /** The plugins of this invocation. */
    Score4j score4j() {
        if (pluginsDir != null) {
            return Score4j.create(pluginsDir);
        }
        Path def = Path.of("plugins");
        return Score4j.create(Files.isDirectory(def) ? def : null);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(main);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println("score4j: error: " + ex.getMessage().replace('\n', ' ').trim());
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            if (verbose) {
                ex.printStackTrace(err);
            }
            if (ex instanceof RunFailedException) {
                err.println("score4j: error: " + ex.getMessage());
                return EXIT_RUN_FAILED;
            }
            if (ex instanceof Score4jException) {
                err.println("score4j: error: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("score4j: internal error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
            return EXIT_INTERNAL;
        });
        return cl.execute(args);
    }

    /** The version shown by {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"score4j " + Versions.score4j() + " (API " + Versions.api() + ")"};
        }
    }

    static boolean isUserError(Throwable e) {
        return e instanceof ConfigException || e instanceof PluginLoadException;
    }
}
