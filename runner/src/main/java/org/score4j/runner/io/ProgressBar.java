package org.score4j.runner.io;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;

/**
 * A one-line terminal progress display for a run, redrawn in place with a carriage return:
 *
 * <pre>
 * [########------------]  42%  step 420/1000  t=0.580  nfe 840  1234 it/s  eta 0:03
 * </pre>
 *
 * <p>With several batches the bar and percentage cover the whole run, (batch·steps + step)/(batches·steps),
 * and {@code batch b/B} is shown. For an adaptive solver (steps = −1) the line shows the steps taken, t and
 * nfe and no percentage; the bar then follows t from t_end down to t0 when the {@link RunStarted#pipeline()}
 * holds numbers {@code "t0"} and {@code "t_end"}, and is left out otherwise. The rate counts solver steps per
 * second over the whole run.
 *
 * <p>The line is redrawn at most every 100 ms (the first step always draws) and once more at completion; a
 * completed or failed run ends the line with a newline. A disabled bar ignores all events, so a front end
 * can always attach one and enable it only for an interactive terminal. Not thread-safe: give it the events
 * of one run from one thread (as the run loop emits them).
 */
public final class ProgressBar implements Consumer<RunEvent> {
    /** The minimum time between two redraws. */
    public static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 20;

    private final PrintStream out;
    private final boolean enabled;
    private final LongSupplier nanoClock;

    private long lastDraw;
    private boolean drawn;
    private int lastLength;
    private StepEvent last;
    private int startedSteps;
    private int startedBatches = 1;
    private double t0 = Double.NaN;
    private double tEnd = Double.NaN;

    /**
     * A bar on {@code out}.
     *
     * @param enabled whether to draw at all (e.g. {@code System.console() != null})
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public ProgressBar(PrintStream out, boolean enabled, LongSupplier nanoClock) {
        this.out = Objects.requireNonNull(out, "out");
        this.enabled = enabled;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A bar on standard error, drawn when {@code enabled}. */
    public static ProgressBar onStderr(boolean enabled) {
        return new ProgressBar(System.err, enabled, System::nanoTime);
    }

    /** Whether the bar draws. */
    public boolean enabled() {
        return enabled;
    }

    @Override
    public void accept(RunEvent event) {
        if (!enabled) {
            return;
        }
        if (event instanceof RunStarted e) {
            reset(e);
        } else if (event instanceof StepEvent e) {
            last = e;
            long now = nanoClock.getAsLong();
            if (!drawn || now - lastDraw >= REDRAW_NANOS) {
                draw(render(e, false, Double.NaN, -1));
                lastDraw = now;
            }
        } else if (event instanceof RunCompleted e) {
            if (last != null) {
                draw(render(last, true, e.elapsedSeconds(), e.nfe()));
            } else {
                draw(String.format(Locale.ROOT, "[%s] 100%%  done  nfe %d  in %s", "#".repeat(WIDTH), e.nfe(),
                        duration(e.elapsedSeconds())));
            }
            finish();
        } else if (event instanceof RunFailed) {
            finish();
        }
    }

    private void reset(RunStarted e) {
        drawn = false;
        lastLength = 0;
        last = null;
        startedSteps = e.steps();
        startedBatches = Math.max(1, e.batches());
        Map<String, Object> p = e.pipeline();
        t0 = p.get("t0") instanceof Number n ? n.doubleValue() : Double.NaN;
        tEnd = p.get("t_end") instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * The text of one line (without the carriage return).
     *
     * @param done whether the run completed (then {@code elapsed} and {@code nfe} come from the completion)
     */
    String render(StepEvent e, boolean done, double elapsed, long nfe) {
        int batches = Math.max(1, e.batches() > 0 ? e.batches() : startedBatches);
        int steps = e.steps() != 0 ? e.steps() : startedSteps;
        double secs = done ? elapsed : e.elapsedSeconds();
        long evals = done ? nfe : e.nfe();
        List<String> parts = new ArrayList<>();
        long taken = (long) e.batch() * Math.max(steps, 0) + e.step();
        if (steps > 0) {
            long total = (long) batches * steps;
            double fraction = done ? 1.0 : clamp((double) taken / total);
            parts.add(bar(fraction) + String.format(Locale.ROOT, " %3d%%", (int) Math.floor(fraction * 100 + 1e-9)));
            parts.add("step " + (done ? steps : e.step()) + "/" + steps);
        } else {
            if (Double.isFinite(t0) && Double.isFinite(tEnd) && tEnd > t0) {
                double within = clamp((tEnd - e.t()) / (tEnd - t0));
                parts.add(bar(done ? 1.0 : clamp((e.batch() + within) / batches)));
            }
            parts.add("step " + e.step());
        }
        if (batches > 1) {
            parts.add("batch " + (done ? batches : e.batch() + 1) + "/" + batches);
        }
        parts.add(String.format(Locale.ROOT, "t=%.3f", e.t()));
        parts.add("nfe " + evals);
        long stepsDone = steps > 0 && done ? (long) batches * steps : taken;
        if (secs > 0 && stepsDone > 0) {
            double rate = stepsDone / secs;
            parts.add(String.format(Locale.ROOT, "%.0f it/s", rate));
            if (done) {
                parts.add("in " + duration(secs));
            } else if (steps > 0) {
                parts.add("eta " + duration(((long) batches * steps - taken) / rate));
            }
        } else if (done && secs >= 0) {
            parts.add("in " + duration(secs));
        }
        return String.join("  ", parts);
    }

    private static String bar(double fraction) {
        int full = (int) Math.floor(fraction * WIDTH + 1e-9);
        full = Math.max(0, Math.min(WIDTH, full));
        return "[" + "#".repeat(full) + "-".repeat(WIDTH - full) + "]";
    }

    private static double clamp(double f) {
        return Double.isNaN(f) ? 0 : Math.max(0, Math.min(1, f));
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    private void draw(String line) {
        StringBuilder sb = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < lastLength; i++) {
            sb.append(' ');
        }
        lastLength = line.length();
        out.print(sb);
        out.flush();
        drawn = true;
    }

    private void finish() {
        if (drawn) {
            out.print('\n');
            out.flush();
        }
        drawn = false;
        lastLength = 0;
        last = null;
    }
}
