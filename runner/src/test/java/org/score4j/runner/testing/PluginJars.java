package org.score4j.runner.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds plugin jars at test time, outside the score4j build, as a third party would. */
public final class PluginJars {
    private PluginJars() {}

    /** The class path a plugin compiles against: the score4j API and DJL's API. */
    public static String apiClassPath() throws Exception {
        Path api = Path.of(org.score4j.api.ApiVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path djl = Path.of(ai.djl.ndarray.NDArray.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return api + java.io.File.pathSeparator + djl;
    }

    /** Compiles every .java file under {@code sourceRoot} and jars it with {@code resourcesRoot}. */
    public static Path build(Path sourceRoot, Path resourcesRoot, Path jar, Path work) throws Exception {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toString()));
        }
        Path classes = Files.createDirectories(work.resolve("classes-" + jar.getFileName()));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", apiClassPath(),
                "--release", "17", "-nowarn"));
        args.addAll(sources);
        int rc = javac.run(null, null, null, args.toArray(new String[0]));
        if (rc != 0) {
            throw new IllegalStateException("compilation failed for " + sourceRoot);
        }
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, classes);
            if (resourcesRoot != null) {
                add(out, resourcesRoot);
            }
        }
        return jar;
    }

    /** Builds a one-class plugin jar from source text. */
    public static Path buildFromSource(String className, String source, Path jar, Path work) throws Exception {
        Path src = Files.createDirectories(work.resolve("src-" + jar.getFileName()));
        Path res = Files.createDirectories(work.resolve("res-" + jar.getFileName()));
        String simple = className.substring(className.lastIndexOf('.') + 1);
        Path pkgDir = Files.createDirectories(src.resolve(className.substring(0, className.lastIndexOf('.'))
                .replace('.', '/')));
        Files.writeString(pkgDir.resolve(simple + ".java"), source);
        Path services = Files.createDirectories(res.resolve("META-INF/services"));
        Files.writeString(services.resolve("org.score4j.api.plugin.Score4jPlugin"), className + "\n");
        return build(src, res, jar, work);
    }

    private static void add(JarOutputStream out, Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(root.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }
}
