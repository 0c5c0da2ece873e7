package org.score4j.runner.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.model.data.IdxFile;
import org.score4j.model.data.IdxImagesFactory;

/**
 * What a folder of the MNIST layout holds: the four IDX files of {@link IdxImagesFactory#allFiles()} (raw or
 * {@code .gz}), each validated in full with {@link IdxFile#check} — magic number, sizes, length — and the
 * image and label counts of each split compared. Immutable.
 *
 * @param folder the folder inspected
 * @param state present (all four files valid and consistent), missing (the folder or a file is absent) or
 *     invalid
 * @param detail why it is missing or invalid, one line; empty when present
 * @param train the number of training images (0 unless present)
 * @param test the number of test images (0 unless present)
 * @param height the image height (0 unless present)
 * @param width the image width (0 unless present)
 * @param bytes the files' total size on disk
 * @param files the files found
 */
public record DataFolder(Path folder, State state, String detail, int train, int test, int height, int width,
        long bytes, List<Path> files) {
    /** Whether a folder holds a usable data set. */
    public enum State {
        /** All four files are there and valid. */
        PRESENT,
        /** The folder or one of the files is absent. */
        MISSING,
        /** A file is corrupt, truncated or inconsistent with the others. */
        INVALID;

        /** The word {@code score4j data list} shows. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DataFolder {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        files = List.copyOf(files);
    }

    /** Whether the folder holds a valid set. */
    public boolean present() {
        return state == State.PRESENT;
    }

    /** Inspects {@code folder}, reading every file through (a few hundred milliseconds for the real sets). */
    public static DataFolder inspect(Path folder) {
        if (!Files.isDirectory(folder)) {
            return new DataFolder(folder, State.MISSING, "folder " + folder + (Files.exists(folder)
                    ? " is not a folder" : " does not exist"), 0, 0, 0, 0, 0, List.of());
        }
        List<Path> found = new ArrayList<>();
        long bytes = 0;
        List<String> absent = new ArrayList<>();
        for (String base : IdxImagesFactory.allFiles()) {
            Optional<Path> f = IdxImagesFactory.find(folder, base);
            if (f.isPresent()) {
                found.add(f.get());
                bytes += size(f.get());
            } else {
                absent.add(base);
            }
        }
        if (!absent.isEmpty()) {
            return new DataFolder(folder, State.MISSING, (absent.size() == 4 ? "no IDX files" : String.join(", ", absent)
                    + (absent.size() == 1 ? " is" : " are") + " missing") + " in " + folder, 0, 0, 0, 0, bytes, found);
        }
        int[][] dims = new int[4][];
        try {
            for (int i = 0; i < 4; i++) {
                dims[i] = IdxFile.check(found.get(i), IdxImagesFactory.magicOf(IdxImagesFactory.allFiles().get(i)));
            }
        } catch (ConfigException e) {
            return new DataFolder(folder, State.INVALID, e.getMessage(), 0, 0, 0, 0, bytes, found);
        }
        for (int split = 0; split < 2; split++) {
            int images = dims[2 * split][0];
            int labels = dims[2 * split + 1][0];
            if (images != labels) {
                return new DataFolder(folder, State.INVALID, found.get(2 * split) + " holds " + images + " images but "
                        + found.get(2 * split + 1) + " holds " + labels + " labels", 0, 0, 0, 0, bytes, found);
            }
        }
        if (dims[0][1] != dims[2][1] || dims[0][2] != dims[2][2]) {
            return new DataFolder(folder, State.INVALID, "the train images are " + dims[0][1] + "x" + dims[0][2]
                    + " but the test images " + dims[2][1] + "x" + dims[2][2], 0, 0, 0, 0, bytes, found);
        }
        return new DataFolder(folder, State.PRESENT, "", dims[0][0], dims[2][0], dims[0][1], dims[0][2], bytes, found);
    }

    /** A one-line summary: "60000 train + 10000 test images of 28x28, 52.9 MB". */
    public String summary() {
        if (!present()) {
            return detail;
        }
        return String.format(Locale.ROOT, "%d train + %d test images of %dx%d, %s", train, test, height, width,
                megabytes(bytes));
    }

    /** A size in MB with one decimal. */
    public static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }
}
