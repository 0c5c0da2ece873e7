package org.score4j.runner.discovery;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.score4j.api.ApiVersion;
import org.score4j.api.plugin.Score4jPlugin;

/**
 * Finds {@link Score4jPlugin} entry points with {@link ServiceLoader}: on the class path, and in every
 * {@code *.jar} of a plugins directory (each jar in its own class loader whose parent is the application's, so
 * a plugin jar sees the API but not other plugin jars). Refuses a plugin built for another API major version,
 * naming its jar.
 *
 * <p>Class loaders of plugin jars stay open for the life of the process (their classes are in use).
 */
public final class PluginLoader {
    private final ClassLoader parent;

    public PluginLoader(ClassLoader parent) {
        this.parent = parent;
    }

    /** A loader over the class loader that loaded score4j. */
    public static PluginLoader standard() {
        return new PluginLoader(PluginLoader.class.getClassLoader());
    }

    /**
     * Every plugin on the class path and, when {@code pluginsDir} is not null, in its jars (sorted by file
     * name, so discovery order is stable).
     *
     * @throws PluginLoadException for an unreadable directory, a broken jar or an API mismatch
     */
    public List<DiscoveredPlugin> discover(Path pluginsDir) {
        List<DiscoveredPlugin> found = new ArrayList<>();
        for (Score4jPlugin p : load(ServiceLoader.load(Score4jPlugin.class, parent), "class path")) {
            found.add(check(new DiscoveredPlugin(p, sourceOf(p))));
        }
        if (pluginsDir != null) {
            for (Path jar : jarsIn(pluginsDir)) {
                URLClassLoader loader = new URLClassLoader(new URL[] {url(jar)}, parent);
                for (Score4jPlugin p : load(ServiceLoader.load(Score4jPlugin.class, loader), jar.toString())) {
                    if (p.getClass().getClassLoader() == loader) {
                        found.add(check(new DiscoveredPlugin(p, jar.toString())));
                    }
                }
            }
        }
        return found;
    }

    private static List<Score4jPlugin> load(ServiceLoader<Score4jPlugin> sl, String where) {
        List<Score4jPlugin> out = new ArrayList<>();
        Iterator<Score4jPlugin> it = sl.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return out;
                }
                out.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new PluginLoadException("cannot load a plugin from " + where + ": " + oneLine(e), e);
            }
        }
    }

    private static DiscoveredPlugin check(DiscoveredPlugin d) {
        int major;
        try {
            major = d.plugin().apiMajor();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException("plugin " + d.plugin().getClass().getName() + " from " + d.source()
                    + " failed to report its API version: " + oneLine(e), e);
        }
        if (major != ApiVersion.MAJOR) {
            throw new PluginLoadException("plugin " + d.plugin().getClass().getName() + " from " + d.source()
                    + " was built for score4j API " + major + ", but this is API " + ApiVersion.MAJOR
                    + "; rebuild it against score4j-api " + ApiVersion.string() + " or remove it");
        }
        return d;
    }

    private static List<Path> jarsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PluginLoadException("plugins directory " + dir + " does not exist or is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PluginLoadException("cannot list plugins directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginLoadException("bad plugin jar path " + jar, e);
        }
    }

    static String sourceOf(Object plugin) {
        CodeSource cs = plugin.getClass().getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "class path (" + plugin.getClass().getName() + ")";
        }
        String loc = cs.getLocation().getPath();
        return loc.isEmpty() ? "class path" : loc;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
