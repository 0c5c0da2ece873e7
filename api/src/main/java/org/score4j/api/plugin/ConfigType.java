package org.score4j.api.plugin;

/** The type of a plugin configuration value. */
public enum ConfigType {
    /** A 32-bit integer. */
    INT,
    /** A finite double. */
    DOUBLE,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** Free text. */
    STRING,
    /** One of a fixed set of words. */
    CHOICE,
    /** A file-system path; the file is not opened while configuring. */
    PATH
}
