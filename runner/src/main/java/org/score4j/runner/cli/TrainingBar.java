package org.score4j.runner.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.score4j.runner.train.TrainingProgress;

/**
 * A one-line terminal progress display of a training run, redrawn in place at most every 100 ms:
 *
 * <pre>
 * [########------------]  42%  it 840/2000  loss 0.4321  lr 1.0e-03  1234 it/s  eta 0:03
 * </pre>
 *
 * A disabled bar ignores everything. Not thread-safe: feed it from the training thread.
 */
final class TrainingBar implements Consumer<TrainingProgress> {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 20;

    private final PrintStream out;
    private final boolean enabled;
    private final LongSupplier clock;
    private long lastDraw;
    private boolean drawn;
    private int lastLength;

    TrainingBar(PrintStream out, boolean enabled, LongSupplier clock) {
        this.out = out;
        this.enabled = enabled;
        this.clock = clock;
    }

    static TrainingBar onStderr(boolean enabled) {
        return new TrainingBar(System.err, enabled, System::nanoTime);
    }

    @Override
    public void accept(TrainingProgress p) {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        boolean last = p.iteration() >= p.iterations();
        if (drawn && !last && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        String line = render(p);
        StringBuilder sb = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < lastLength; i++) {
            sb.append(' ');
        }
        lastLength = line.length();
        out.print(sb);
        out.flush();
        drawn = true;
    }

    /** The text of one line. */
    static String render(TrainingProgress p) {
        double f = Math.max(0, Math.min(1, (double) p.iteration() / p.iterations()));
        int full = (int) Math.floor(f * WIDTH + 1e-9);
        StringBuilder sb = new StringBuilder();
        sb.append('[').append("#".repeat(full)).append("-".repeat(WIDTH - full)).append(']');
        sb.append(String.format(Locale.ROOT, " %3d%%  it %d/%d  loss %.4f  lr %.1e", (int) Math.floor(f * 100 + 1e-9),
                p.iteration(), p.iterations(), p.loss(), p.learningRate()));
        if (p.iterationsPerSecond() > 0) {
            sb.append(String.format(Locale.ROOT, "  %.0f it/s  eta %s", p.iterationsPerSecond(),
                    duration((p.iterations() - p.iteration()) / p.iterationsPerSecond())));
        }
        if (p.checkpoint() != null) {
            sb.append("  saved ").append(p.checkpoint().getFileName());
        }
        return sb.toString();
    }

    private static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Ends the line. */
    void finish() {
        if (enabled && drawn) {
            out.print('\n');
            out.flush();
        }
        drawn = false;
        lastLength = 0;
    }
}
