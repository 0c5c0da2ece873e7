package org.score4j.api;

import java.util.Collection;
import java.util.TreeSet;

/** A plugin name that no discovered plugin provides; the message lists the available names of that kind. */
public class UnknownPluginException extends ConfigException {
    private static final long serialVersionUID = 1L;

    public UnknownPluginException(String kind, String name, Collection<String> available) {
        super("unknown " + kind + " '" + name + "'; available: " + String.join(", ", new TreeSet<>(available)));
    }
}
