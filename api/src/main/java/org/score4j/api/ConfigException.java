package org.score4j.api;

/** Invalid configuration: an unknown key, a value of the wrong type or out of range, an inconsistent file. */
public class ConfigException extends Score4jException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
