package org.score4j.runner.discovery;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.plugin.PluginKind;

/**
 * Every factory of every discovered plugin, by kind and name. Building it checks names and refuses a name
 * declared twice within a kind, naming both sources. Immutable once built.
 */
public final class PluginCatalog {
    private final Map<PluginKind, Map<String, Registered<?>>> byKind;

    private PluginCatalog(Map<PluginKind, Map<String, Registered<?>>> byKind) {
        this.byKind = byKind;
    }

    /**
     * Indexes the factories of {@code plugins}.
     *
     * @throws PluginLoadException for a duplicate or invalid name, or a plugin that fails to list factories
     */
    public static PluginCatalog of(List<DiscoveredPlugin> plugins) {
        Map<PluginKind, Map<String, Registered<?>>> byKind = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            byKind.put(kind, new LinkedHashMap<>());
        }
        for (DiscoveredPlugin d : plugins) {
            for (PluginKind kind : PluginKind.values()) {
                List<? extends PluginFactory<?>> factories;
                try {
                    factories = kind.factoriesOf(d.plugin());
                } catch (RuntimeException | LinkageError e) {
                    throw new PluginLoadException("plugin from " + d.source() + " failed to list its " + kind.word()
                            + " factories: " + e.getMessage(), e);
                }
                for (PluginFactory<?> f : factories) {
                    String name = f.name();
                    if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
                        throw new PluginLoadException("invalid " + kind.word() + " name '" + name + "' in "
                                + d.source() + "; names match [a-z][a-z0-9-]*");
                    }
                    if (!kind.factoryType().isInstance(f)) {
                        throw new PluginLoadException(kind.word() + " '" + name + "' from " + d.source()
                                + " does not implement " + kind.factoryType().getSimpleName());
                    }
                    Registered<?> previous = byKind.get(kind).get(name);
                    if (previous != null) {
                        throw new PluginLoadException("duplicate " + kind.word() + " '" + name + "': declared by "
                                + previous.source() + " and by " + d.source() + "; remove one of them");
                    }
                    byKind.get(kind).put(name, new Registered<>(f, d.source()));
                }
            }
        }
        Map<PluginKind, Map<String, Registered<?>>> frozen = new EnumMap<>(PluginKind.class);
        byKind.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return new PluginCatalog(frozen);
    }

    /** The registered factories of one kind, name → registration, in discovery order. */
    public Map<String, Registered<?>> of(PluginKind kind) {
        return byKind.get(kind);
    }

    /** The factories of one kind, name → factory, typed. */
    @SuppressWarnings("unchecked")
    public <F extends PluginFactory<?>> Map<String, F> factories(PluginKind kind, Class<F> type) {
        if (kind.factoryType() != type) {
            throw new IllegalArgumentException(type + " is not the factory type of " + kind);
        }
        Map<String, F> out = new LinkedHashMap<>();
        byKind.get(kind).forEach((n, r) -> out.put(n, (F) r.factory()));
        return Collections.unmodifiableMap(out);
    }
}
