package org.score4j.api.plugin;

import java.util.List;
import java.util.Objects;
import org.score4j.api.ConfigException;

/**
 * One configuration key a plugin factory declares: its type, default, allowed range and help text.
 *
 * <p>{@code defaultValue} is the value's text form (as a user would type it) or {@code null} when the key
 * is optional and has no default. For {@link ConfigType#INT} and {@link ConfigType#DOUBLE}, {@code min} and
 * {@code max} bound the value (inclusive unless {@code minExclusive}); for {@link ConfigType#CHOICE},
 * {@code choices} lists the allowed words. Instances are immutable and thread-safe.
 */
public record ConfigKey(
        String name,
        ConfigType type,
        String defaultValue,
        double min,
        boolean minExclusive,
        double max,
        List<String> choices,
        String help) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("config key name must match [a-z][a-z0-9_]*: " + name);
        }
        choices = List.copyOf(choices == null ? List.of() : choices);
        if (type == ConfigType.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("choice key " + name + " needs choices");
        }
        if (defaultValue != null) {
            // validates the default itself, so a factory cannot declare an invalid one
            new ConfigKey(name, type, null, min, minExclusive, max, choices, help).parse(defaultValue, "default");
        }
    }

    /** A double in [min, max]. */
    public static ConfigKey ofDouble(String name, double def, double min, double max, String help) {
        return new ConfigKey(name, ConfigType.DOUBLE, Double.toString(def), min, false, max, List.of(), help);
    }

    /** A double in (min, max]: use for quantities that must be strictly positive. */
    public static ConfigKey ofPositiveDouble(String name, double def, double max, String help) {
        return new ConfigKey(name, ConfigType.DOUBLE, Double.toString(def), 0, true, max, List.of(), help);
    }

    /** An integer in [min, max]. */
    public static ConfigKey ofInt(String name, int def, int min, int max, String help) {
        return new ConfigKey(name, ConfigType.INT, Integer.toString(def), min, false, max, List.of(), help);
    }

    /** A boolean. */
    public static ConfigKey ofBoolean(String name, boolean def, String help) {
        return new ConfigKey(name, ConfigType.BOOLEAN, Boolean.toString(def), 0, false, 0, List.of(), help);
    }

    /** One of {@code choices}. */
    public static ConfigKey ofChoice(String name, String def, List<String> choices, String help) {
        return new ConfigKey(name, ConfigType.CHOICE, def, 0, false, 0, choices, help);
    }

    /** Free text; {@code def} may be {@code null}. */
    public static ConfigKey ofString(String name, String def, String help) {
        return new ConfigKey(name, ConfigType.STRING, def, 0, false, 0, List.of(), help);
    }

    /** A path, optional when {@code def} is {@code null}. */
    public static ConfigKey ofPath(String name, String def, String help) {
        return new ConfigKey(name, ConfigType.PATH, def, 0, false, 0, List.of(), help);
    }

    /** Whether the value is numeric. */
    public boolean numeric() {
        return type == ConfigType.INT || type == ConfigType.DOUBLE;
    }

    /** The allowed values in words, e.g. {@code "a number in (0, 1]"}. */
    public String allowed() {
        switch (type) {
            case INT:
                return "an integer in [" + (long) min + ", " + (long) max + "]";
            case DOUBLE:
                return "a number in " + (minExclusive ? "(" : "[") + fmt(min) + ", " + fmt(max) + "]";
            case BOOLEAN:
                return "true or false";
            case CHOICE:
                return "one of " + String.join(", ", choices);
            case PATH:
                return "a file path";
            default:
                return "text";
        }
    }

    private static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Parses and validates a value's text form.
     *
     * @param text the value as typed
     * @param where names the key for messages, e.g. {@code "solver.rtol"}
     * @return an {@link Integer}, {@link Double}, {@link Boolean} or {@link String}
     * @throws ConfigException naming the key, the value and what is allowed
     */
    public Object parse(String text, String where) {
        if (text == null) {
            throw new ConfigException(where + " has no value; expected " + allowed());
        }
        String s = text.trim();
        try {
            switch (type) {
                case INT: {
                    long v = Long.parseLong(s);
                    if (v < min || v > max) {
                        throw bad(where, text);
                    }
                    return (int) v;
                }
                case DOUBLE: {
                    double v = Double.parseDouble(s);
                    if (!Double.isFinite(v) || v < min || v > max || (minExclusive && v == min)) {
                        throw bad(where, text);
                    }
                    return v;
                }
                case BOOLEAN:
                    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(s);
                    }
                    throw bad(where, text);
                case CHOICE:
                    if (!choices.contains(s)) {
                        throw bad(where, text);
                    }
                    return s;
                case PATH:
                    if (s.isEmpty()) {
                        throw bad(where, text);
                    }
                    return s;
                default:
                    return text;
            }
        } catch (NumberFormatException e) {
            throw bad(where, text);
        }
    }

    private ConfigException bad(String where, String text) {
        return new ConfigException("invalid value '" + text + "' for " + where + "; expected " + allowed());
    }
}
