package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;

class ProgressBarTest {
    private static final long MS = 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicLong clock = new AtomicLong(5_000 * MS);
    private final ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true,
            clock::get);

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void drawsTheDocumentedLine() {
        bar.accept(new RunStarted("r", 1000, 1, 1000, Map.of()));
        bar.accept(new StepEvent("r", 0, 1, 420, 1000, 0.58, 840, 0.340));
        assertThat(out()).isEqualTo("\r[########------------]  42%  step 420/1000  t=0.580  nfe 840  1235 it/s  eta 0:00");
    }

    @Test
    void redrawsAtMostEvery100MillisecondsAndFinishesWithANewline() {
        bar.accept(new RunStarted("r", 10, 1, 100, Map.of()));
        bar.accept(step(0, 1, 1, 100, 0.99, 1));
        clock.addAndGet(50 * MS);
        bar.accept(step(0, 1, 2, 100, 0.98, 2));
        assertThat(count(out(), '\r')).isEqualTo(1);
        clock.addAndGet(60 * MS);
        bar.accept(step(0, 1, 3, 100, 0.97, 3));
        assertThat(count(out(), '\r')).isEqualTo(2);
        assertThat(out()).endsWith("\r[--------------------]   3%  step 3/100  t=0.970  nfe 3  1 it/s  eta 1:37");
        clock.addAndGet(1 * MS);
        bar.accept(step(0, 1, 100, 100, 0.001, 100));
        bar.accept(new RunCompleted("r", 10, 100, 100.0, Map.of()));
        String all = out();
        assertThat(count(all, '\r')).isEqualTo(3);
        String last = all.substring(all.lastIndexOf('\r') + 1);
        assertThat(last).endsWith("\n");
        assertThat(last.strip()).isEqualTo("[####################] 100%  step 100/100  t=0.001  nfe 100  1 it/s  in 1:40");
    }

    @Test
    void batchesCountTowardsTheWholeRun() {
        bar.accept(new RunStarted("r", 40, 4, 10, Map.of()));
        // batch 2 (0-based) of 4, step 5 of 10: (2·10 + 5) / 40 = 62.5 %
        bar.accept(new StepEvent("r", 2, 4, 5, 10, 0.5, 50, 2.5));
        assertThat(out()).isEqualTo("\r[############--------]  62%  step 5/10  batch 3/4  t=0.500  nfe 50  10 it/s  eta 0:02");
    }

    @Test
    void adaptiveSolversShowStepsAndTheFractionOfTimeWhenKnown() {
        bar.accept(new RunStarted("r", 10, 1, -1, Map.of("t0", 0.0, "t_end", 1.0)));
        bar.accept(new StepEvent("r", 0, 1, 37, -1, 0.25, 240, 1.0));
        assertThat(out()).isEqualTo("\r[###############-----]  step 37  t=0.250  nfe 240  37 it/s");

        ByteArrayOutputStream other = new ByteArrayOutputStream();
        ProgressBar plain = new ProgressBar(new PrintStream(other, true, StandardCharsets.UTF_8), true, clock::get);
        plain.accept(new RunStarted("r", 10, 1, -1, Map.of()));
        plain.accept(new StepEvent("r", 0, 1, 37, -1, 0.25, 240, 1.0));
        assertThat(other.toString(StandardCharsets.UTF_8)).isEqualTo("\rstep 37  t=0.250  nfe 240  37 it/s");
    }

    @Test
    void failureEndsTheLineOnlyWhenSomethingWasDrawn() {
        bar.accept(new RunStarted("r", 10, 1, 10, Map.of()));
        bar.accept(new RunFailed("r", -1, 0, "bad"));
        assertThat(out()).isEmpty();
        bar.accept(new RunStarted("r", 10, 1, 10, Map.of()));
        bar.accept(step(0, 1, 1, 10, 0.9, 1));
        bar.accept(new RunFailed("r", 0, 2, "NaN"));
        assertThat(out()).startsWith("\r[##").endsWith("\n");
        assertThat(count(out(), '\n')).isEqualTo(1);
    }

    @Test
    void shorterLinesOverwriteLongerOnes() {
        bar.accept(new RunStarted("r", 10, 1, 1000, Map.of()));
        bar.accept(new StepEvent("r", 0, 1, 999, 1000, 0.5, 123456789, 1.0));
        String first = out();
        clock.addAndGet(200 * MS);
        bar.accept(new StepEvent("r", 0, 1, 1000, 1000, 0.5, 1, 1000.0));
        String second = out().substring(first.length());
        assertThat(second.length()).isEqualTo(first.length());
        assertThat(second).endsWith(" ");
    }

    @Test
    void disabledBarPrintsNothing() {
        ProgressBar off = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock::get);
        off.accept(new RunStarted("r", 10, 1, 10, Map.of()));
        off.accept(step(0, 1, 1, 10, 0.9, 1));
        off.accept(new RunCompleted("r", 10, 1, 1, Map.of()));
        assertThat(out()).isEmpty();
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void durationsAreMinutesAndSeconds() {
        assertThat(ProgressBar.duration(3)).isEqualTo("0:03");
        assertThat(ProgressBar.duration(61.4)).isEqualTo("1:01");
        assertThat(ProgressBar.duration(3723)).isEqualTo("1:02:03");
        assertThat(ProgressBar.duration(Double.POSITIVE_INFINITY)).isEqualTo("?");
    }

    private static StepEvent step(int batch, int batches, int step, int steps, double t, long nfe) {
        return new StepEvent("r", batch, batches, step, steps, t, nfe, step);
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }
}
