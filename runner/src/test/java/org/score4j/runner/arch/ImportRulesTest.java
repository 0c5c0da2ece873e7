package org.score4j.runner.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the architecture, checked on the sources: the API depends on DJL's API only; plugins
 * never see the runner, Guice or Vert.x; the run loop is free of wiring and transport.
 */
class ImportRulesTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    private static List<String> violations(Path dir, List<String> allowedPrefixes, List<String> forbiddenPrefixes) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String imp = m.group(1);
                    boolean allowed = allowedPrefixes.isEmpty() || allowedPrefixes.stream().anyMatch(imp::startsWith);
                    boolean forbidden = forbiddenPrefixes.stream().anyMatch(imp::startsWith);
                    if (!allowed || forbidden) {
                        out.add(ROOT.relativize(f) + ": " + imp);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void apiDependsOnDjlApiOnly() {
        assertThat(violations(ROOT.resolve("api/src/main/java"), List.of("java.", "ai.djl.", "org.score4j.api."),
                List.of("ai.djl.pytorch", "ai.djl.engine"))).isEmpty();
    }

    @Test
    void pluginsNeverImportTheRunnerGuiceOrVertx() {
        for (String module : List.of("sde-plugins", "solver-plugins", "model-plugins", "guidance-plugins")) {
            assertThat(violations(ROOT.resolve(module + "/src/main/java"), List.of(),
                    List.of("org.score4j.runner", "com.google.inject", "io.vertx", "jakarta.inject")))
                    .as(module).isEmpty();
        }
    }

    @Test
    void trainingIsFreeOfWiringAndTransport() {
        assertThat(violations(ROOT.resolve("runner/src/main/java/org/score4j/runner/train"), List.of(),
                List.of("com.google.inject", "io.vertx", "picocli", "org.score4j.runner.cli",
                        "org.score4j.runner.bus", "org.score4j.runner.wiring"))).isEmpty();
    }

    @Test
    void runLoopIsFreeOfWiringAndTransport() {
        assertThat(violations(ROOT.resolve("runner/src/main/java/org/score4j/runner/engine"), List.of(),
                List.of("com.google.inject", "io.vertx", "picocli", "org.score4j.runner.cli",
                        "org.score4j.runner.bus", "org.score4j.runner.wiring"))).isEmpty();
    }
}
