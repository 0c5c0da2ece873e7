package org.score4j.api;

/**
 * The version of the score4j plugin API.
 *
 * <p>A plugin reports the major version it was compiled against through
 * {@link org.score4j.api.plugin.Score4jPlugin#apiMajor()} (implement it as {@code return ApiVersion.MAJOR;}).
 * The runner refuses a plugin whose major version differs from the running API's.
 */
public final class ApiVersion {
    /** Incremented on every incompatible change of the SPI. */
    public static final int MAJOR = 1;
    /** Incremented on compatible additions (for example a new plugin kind). */
    public static final int MINOR = 5;

    private ApiVersion() {}

    /** The version as {@code MAJOR.MINOR}. */
    public static String string() {
        return MAJOR + "." + MINOR;
    }
}
