package org.score4j.runner.engine;

import org.score4j.api.ApiVersion;

/** Version strings recorded in provenance. */
public final class Versions {
    private static final String FALLBACK = "0.1.0-SNAPSHOT";

    private Versions() {}

    /** The score4j version from the runner jar's manifest, or the build's version when run from classes. */
    public static String score4j() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? FALLBACK : v;
    }

    /** The API version, {@code MAJOR.MINOR}. */
    public static String api() {
        return ApiVersion.string();
    }
}
