package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.data.DataScaling;

class SampleUnitsTest {
    @Test
    void byteDataMapBackToZeroTo255Clipped() {
        float[] model = {-1, 0, 1, -1.2f, 1.3f, 0.5f};
        float[] stored = SampleUnits.toStored(model, DataScaling.BYTES_TO_SYMMETRIC);
        assertThat(stored).containsExactly(0, 127.5f, 255, 0, 255, 191.25f);
        // a scaling that passed through JSON is still recognised as bytes
        assertThat(SampleUnits.isBytes(new DataScaling(Double.parseDouble(String.valueOf(1 / 127.5)), -1))).isTrue();
        assertThat(SampleUnits.isBytes(DataScaling.IDENTITY)).isFalse();
    }

    @Test
    void otherScalingsAreInvertedWithoutClipping() {
        DataScaling s = new DataScaling(2, 0.5);
        float[] stored = SampleUnits.toStored(new float[] {0.5f, 2.5f, -9.5f}, s);
        assertThat(stored).containsExactly(0, 1, -5);
        assertThat(SampleUnits.displayRange(s)).containsExactly(-0.75, 0.25);
        assertThat(SampleUnits.displayRange(new DataScaling(-1, 0))).containsExactly(-1, 1);
        assertThat(SampleUnits.displayRange(DataScaling.BYTES_TO_SYMMETRIC)).containsExactly(0, 255);
        float[] same = {1, 2};
        assertThat(SampleUnits.toStored(same, DataScaling.IDENTITY)).containsExactly(same).isNotSameAs(same);
    }

    @Test
    void provenanceRecordsUnitsScalingAndClip() {
        Map<String, Object> bytes = SampleUnits.describe(DataScaling.BYTES_TO_SYMMETRIC);
        assertThat(bytes.get("units")).isEqualTo("data");
        Map<?, ?> scaling = (Map<?, ?>) bytes.get("scaling");
        assertThat(scaling.get("scale")).isEqualTo(1 / 127.5);
        assertThat(scaling.get("offset")).isEqualTo(-1.0);
        assertThat(bytes.get("clip")).isEqualTo(List.of(0, 255));
        Map<String, Object> none = SampleUnits.describe(null);
        assertThat(none.get("units")).isEqualTo("model");
        assertThat(none.get("scaling")).isNull();
        assertThat(none.get("clip")).isNull();
        assertThat(SampleUnits.describe(DataScaling.IDENTITY).get("clip")).isNull();
        assertThat(SampleUnits.describe(DataScaling.IDENTITY).get("units")).isEqualTo("data");
    }
}
