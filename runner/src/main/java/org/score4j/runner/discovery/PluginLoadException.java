package org.score4j.runner.discovery;

import org.score4j.api.Score4jException;

/** A plugin could not be loaded: a broken jar, a mismatched API version, a duplicate name. */
public class PluginLoadException extends Score4jException {
    private static final long serialVersionUID = 1L;

    public PluginLoadException(String message) {
        super(message);
    }

    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
