package org.score4j.model.data;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.score4j.api.ConfigException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.PluginConfig;

/**
 * The {@code mnist} and {@code fashion-mnist} data sets: 8-bit grey images with labels 0..9 read from the four
 * IDX files of the MNIST layout (LeCun et al. 1998; Xiao et al. 2017 for Fashion-MNIST) —
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each raw or gzip-compressed ({@code .gz}; a raw file is preferred when both
 * exist) — with the official train/test split (60,000 / 10,000 images of 28 × 28 for the real sets).
 *
 * <p>Examples have shape (1, H, W) as the files give it, labels 0..9 ({@link #numClasses() 10} classes), and are
 * scaled with {@link DataScaling#BYTES_TO_SYMMETRIC} ([0, 255] → [−1, 1]). Config keys:
 * <ul>
 *   <li>{@code split} ({@code train} | {@code test}, default {@code train}): the official training files or
 *       the {@code t10k} test files;</li>
 *   <li>{@code limit} (0 = all): use at most the first N examples of the split (small slices for tests and
 *       quick runs);</li>
 *   <li>{@code color} ({@code gray} | {@code tint}, default {@code gray}): the files' (1, H, W) grey images, or
 *       (3, H, W) RGB images tinted per image (below);</li>
 *   <li>{@code root} (a folder): where the files are. Default: {@code mnist} — {@code <data root>/mnist};
 *       {@code fashion-mnist} — {@code /usr/share/datasets/fashion-mnist} (Debian package
 *       {@code dataset-fashion-mnist}) when that folder exists, else {@code <data root>/fashion-mnist}; the data
 *       root is {@link DataRoot} ({@code $SCORE4J_DATA} or {@code ~/.score4j/data}).</li>
 * </ul>
 * Missing files are a {@link ConfigException} naming the folder or file and the command that fetches them
 * ({@code score4j data fetch mnist}); corrupt or truncated files, an image/label count mismatch and labels
 * outside 0..9 are one-line errors naming the file. The images are kept as bytes ({@link ByteImageDataset}).
 * With {@code color=tint} every image becomes a (3, H, W) RGB image: its grey values times a fully saturated
 * colour of a hue of its own ({@link #tintColor}), on a black background — a synthetic colour set (no RGB image
 * set installs offline) whose grey version (BT.601) loses the hue, for colourization.
 * Stateless and thread-safe.
 */
public final class IdxImagesFactory implements DatasetFactory {
    /** The name of the MNIST data set. */
    public static final String MNIST = "mnist";
    /** The name of the Fashion-MNIST data set. */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** Where Debian's {@code dataset-fashion-mnist} package installs the Fashion-MNIST files. */
    public static final Path FASHION_MNIST_SYSTEM_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");
    /** The number of classes of both sets. */
    public static final int CLASSES = 10;
    /** The split words. */
    public static final String TRAIN = "train";
    /** The split words. */
    public static final String TEST = "test";
    /** The {@code color} words: the files' grey images, or every image tinted with its own hue. */
    public static final String GRAY = "gray";
    /** The {@code color} words: the files' grey images, or every image tinted with its own hue. */
    public static final String TINT = "tint";

    private final String name;
    private final String description;
    private final Supplier<Path> dataRoot;
    private final Path systemFolder;
    private final Map<String, ConfigKey> keys;

    /**
     * @param name the plugin name
     * @param dataRoot the data root (the default root is {@code <data root>/<name>})
     * @param systemFolder a folder used by default instead when it exists, or {@code null}
     */
    IdxImagesFactory(String name, String description, Supplier<Path> dataRoot, Path systemFolder) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.dataRoot = Objects.requireNonNull(dataRoot, "dataRoot");
        this.systemFolder = systemFolder;
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("split", ConfigKey.ofChoice("split", TRAIN, List.of(TRAIN, TEST),
                "the official split: train (train-* files) or test (t10k-* files)"));
        k.put("limit", ConfigKey.ofInt("limit", 0, 0, Integer.MAX_VALUE,
                "use at most the first N examples of the split (0: all)"));
        k.put("color", ConfigKey.ofChoice("color", GRAY, List.of(GRAY, TINT),
                "gray: the files' 1-channel images; tint: 3-channel RGB images, every image's grey values times a "
                + "fully saturated colour of its own hue (fixed per split and index), for colourization"));
        k.put("root", ConfigKey.ofPath("root", null, "folder of the IDX files (raw or .gz); default "
                + (systemFolder == null ? "" : systemFolder + " when it exists, else ") + "<data root>/" + name
                + " (data root: $SCORE4J_DATA or ~/.score4j/data)"));
        this.keys = Collections.unmodifiableMap(k);
    }

    /** The {@code mnist} data set (fetched into {@code <data root>/mnist} by {@code score4j data fetch mnist}). */
    public static IdxImagesFactory mnist() {
        return new IdxImagesFactory(MNIST, "MNIST handwritten digits: 1x28x28 grey images, labels 0..9, official "
                + "train/test split (score4j data fetch mnist)", DataRoot::current, null);
    }

    /** The {@code fashion-mnist} data set (Debian {@code dataset-fashion-mnist} or {@code <data root>}). */
    public static IdxImagesFactory fashionMnist() {
        return new IdxImagesFactory(FASHION_MNIST, "Fashion-MNIST clothing images: 1x28x28 grey, labels 0..9, "
                + "official train/test split (score4j data fetch fashion-mnist)", DataRoot::current,
                FASHION_MNIST_SYSTEM_FOLDER);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Map<String, ConfigKey> configKeys() {
        return keys;
    }

    /** The folder read when no {@code root} is set. */
    public Path defaultRoot() {
        if (systemFolder != null && Files.isDirectory(systemFolder)) {
            return systemFolder;
        }
        return dataRoot.get().resolve(name);
    }

    /** The folder under the data root ({@code <data root>/<name>}), where {@code score4j data fetch} writes. */
    public Path dataRootFolder() {
        return dataRoot.get().resolve(name);
    }

    /** The system folder read by default when it exists, if this data set has one. */
    public Optional<Path> systemFolder() {
        return Optional.ofNullable(systemFolder);
    }

    /** The base names of the image and label files of {@code split}. */
    public static List<String> files(String split) {
        String prefix = split.equals(TEST) ? "t10k" : "train";
        return List.of(prefix + "-images-idx3-ubyte", prefix + "-labels-idx1-ubyte");
    }

    /** The base names of all four files, train first. */
    public static List<String> allFiles() {
        return List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte");
    }

    /** The file of base name {@code base} in {@code folder}: the raw file, else the {@code .gz} one, if either exists. */
    public static Optional<Path> find(Path folder, String base) {
        Path raw = folder.resolve(base);
        if (Files.isRegularFile(raw)) {
            return Optional.of(raw);
        }
        Path gz = folder.resolve(base + ".gz");
        return Files.isRegularFile(gz) ? Optional.of(gz) : Optional.empty();
    }

    /** The magic number the file of base name {@code base} must have. */
    public static int magicOf(String base) {
        return base.contains("-images-") ? IdxFile.IMAGES_MAGIC : IdxFile.LABELS_MAGIC;
    }

    /** The command that fetches data set {@code name} into {@code root} (no {@code --root} for the default). */
    public String fetchCommand(Path root) {
        boolean standard = root == null || root.equals(defaultRoot()) || root.equals(dataRootFolder());
        return "score4j data fetch " + name + (standard ? "" : " --root " + root);
    }

    @Override
    public Dataset create(PluginConfig config) {
        Optional<String> rootText = config.find("root");
        Path root = rootText.isPresent() ? NpyDatasetFactory.path(rootText.get(), "data.root") : defaultRoot();
        String split = config.getString("split");
        int limit = config.getInt("limit");
        if (!Files.isDirectory(root)) {
            throw new ConfigException("data " + name + ": folder " + root + (Files.exists(root) ? " is not a folder"
                    : " does not exist") + "; fetch the data set with: " + fetchCommand(root));
        }
        List<String> bases = files(split);
        Path[] paths = new Path[2];
        for (int i = 0; i < 2; i++) {
            String base = bases.get(i);
            paths[i] = find(root, base).orElseThrow(() -> new ConfigException("data " + name + ": " + root.resolve(base)
                    + " (or " + base + ".gz) is missing; fetch the data set with: " + fetchCommand(root)));
        }
        IdxFile images;
        IdxFile labels;
        try {
            images = IdxFile.read(paths[0], IdxFile.IMAGES_MAGIC);
            labels = IdxFile.read(paths[1], IdxFile.LABELS_MAGIC);
        } catch (ConfigException e) {
            throw new ConfigException("data " + name + ": " + e.getMessage() + "; fetch it again with: "
                    + fetchCommand(root), e);
        }
        int n = images.count();
        if (labels.count() != n) {
            throw new ConfigException("data " + name + ": " + paths[0] + " holds " + n + " images but " + paths[1]
                    + " holds " + labels.count() + " labels; they must match");
        }
        byte[] l = labels.data();
        for (int i = 0; i < n; i++) {
            if ((l[i] & 0xff) >= CLASSES) {
                throw new ConfigException("data " + name + ": " + paths[1] + " has label " + (l[i] & 0xff)
                        + " at index " + i + "; labels must be in 0.." + (CLASSES - 1));
            }
        }
        int h = images.dims()[1];
        int w = images.dims()[2];
        int keep = limit == 0 ? n : Math.min(limit, n);
        byte[] pixels = images.data();
        if (keep < n) {
            pixels = java.util.Arrays.copyOf(pixels, keep * h * w);
            l = java.util.Arrays.copyOf(l, keep);
        }
        if (config.getString("color").equals(TINT)) {
            return new ByteImageDataset(tint(pixels, keep, h * w, split), new Shape(3, h, w), l, CLASSES,
                    DataScaling.BYTES_TO_SYMMETRIC);
        }
        return new ByteImageDataset(pixels, new Shape(1, h, w), l, CLASSES, DataScaling.BYTES_TO_SYMMETRIC);
    }

    /**
     * The colour of image {@code index} of {@code split} under {@code color=tint}: the fully saturated, full-value
     * colour (HSB s = b = 1, {@link java.awt.Color#HSBtoRGB}) of hue h = the first
     * {@link SplittableRandom#nextDouble()} of the generator seeded with the index (the test split's seeds offset by
     * 2⁴⁰), as RGB in [0, 1] in steps of 1/255, with its largest component 1 and its smallest 0.
     */
    public static double[] tintColor(String split, int index) {
        long seed = index + (split.equals(TEST) ? 1L << 40 : 0L);
        int rgb = java.awt.Color.HSBtoRGB((float) new SplittableRandom(seed).nextDouble(), 1f, 1f);
        return new double[] {((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0};
    }

    /** Tints {@code count} grey images of {@code size} pixels: channel c of image i is round(v·rgb_i[c]). */
    static byte[] tint(byte[] grey, int count, int size, String split) {
        byte[] out = new byte[Math.multiplyExact(3 * count, size)];
        for (int i = 0; i < count; i++) {
            double[] rgb = tintColor(split, i);
            for (int c = 0; c < 3; c++) {
                int to = (3 * i + c) * size;
                for (int j = 0; j < size; j++) {
                    out[to + j] = (byte) Math.round((grey[i * size + j] & 0xff) * rgb[c]);
                }
            }
        }
        return out;
    }
}
