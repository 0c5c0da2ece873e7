package org.score4j.model.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The folder where score4j keeps downloaded data sets and caches: {@code $SCORE4J_DATA} when that environment
 * variable is set (and not blank), else {@code ~/.score4j/data}. The {@code mnist} data set lives in
 * {@code <data root>/mnist}, the evaluation classifiers in {@code <data root>/classifiers/<data>}. Stateless.
 */
public final class DataRoot {
    /** The environment variable naming the data root. */
    public static final String ENV = "SCORE4J_DATA";

    private DataRoot() {}

    /** The data root of this process: from its environment and {@code user.home}. */
    public static Path current() {
        return of(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The data root for environment {@code env} and home folder {@code home}. */
    public static Path of(Map<String, String> env, Path home) {
        Objects.requireNonNull(env, "env");
        String v = env.get(ENV);
        if (v != null && !v.isBlank()) {
            return Path.of(v);
        }
        return home.resolve(".score4j").resolve("data");
    }
}
