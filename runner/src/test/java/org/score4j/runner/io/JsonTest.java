package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.Score4jException;

class JsonTest {
    @TempDir
    Path dir;

    @Test
    void writesPrettyJsonInMapOrderEndingWithANewline() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of(2, 3));
        m.put("m", Map.of("k", "v"));
        Path f = dir.resolve("x.json");
        Json.writeJson(f, m);
        String text = Files.readString(f);
        assertThat(text).isEqualTo("{\n  \"z\": 1,\n  \"a\": [\n    2,\n    3\n  ],\n  \"m\": {\n    \"k\": \"v\"\n  }\n}\n");
        assertThat(Json.readObject(f)).isEqualTo(m);
    }

    @Test
    void compactJsonIsOneLineAndParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "line\nbreak");
        m.put("x", 0.5);
        String json = Json.toJson(m);
        assertThat(json).isEqualTo("{\"text\":\"line\\nbreak\",\"x\":0.5}");
        assertThat(Json.parseObject(json)).isEqualTo(m);
    }

    @Test
    void badJsonIsReportedWithTheFileAndLine() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.json"), "{\n  \"a\": 1,\n  oops\n}");
        assertThatThrownBy(() -> Json.readObject(f)).isInstanceOf(Score4jException.class)
                .hasMessageStartingWith("cannot read " + f + " line 3: invalid JSON");
        assertThatThrownBy(() -> Json.readObject(dir.resolve("none.json"))).isInstanceOf(Score4jException.class)
                .hasMessageEndingWith("no such file");
        assertThatThrownBy(() -> Json.parseObject("[1]")).isInstanceOf(Score4jException.class);
    }
}
