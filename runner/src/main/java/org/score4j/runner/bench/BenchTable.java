package org.score4j.runner.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The result of {@code score4j bench}: one {@link BenchRow} per sampler and thread count, the plan that
 * produced them and the machine. Renders as an aligned text table or as Markdown. Immutable.
 *
 * @param loadBefore the machine's 1-minute load average when the benchmark started (NaN if unknown)
 * @param loadAfter the same when it ended
 */
public record BenchTable(BenchPlan plan, Machine machine, double loadBefore, double loadAfter, List<BenchRow> rows) {
    private static final String[] HEADER = {"sampler", "threads", "steps", "NFE", "wall s", "samples/s", "bare s",
        "overhead %", "overhead us/step", "CPU overhead %", "max |diff|"};

    public BenchTable {
        rows = List.copyOf(rows);
    }

    /** The table as aligned plain text, one row per line, with a header line. */
    public String toText() {
        List<String[]> cells = rows.stream().map(BenchTable::cells).collect(Collectors.toList());
        int[] width = new int[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) {
            width[c] = HEADER[c].length();
            for (String[] r : cells) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder b = new StringBuilder();
        appendLine(b, HEADER, width);
        for (String[] r : cells) {
            appendLine(b, r, width);
        }
        return b.toString();
    }

    /** The table in Markdown, after a short record of the settings and the machine. */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "n = %d, batch size %d, seed %d, median of %d timed runs after a "
                + "warm-up of %d steps; runner and bare loop interleaved.%n%n", plan.n(), plan.batchSize(),
                plan.seed(), plan.repeats(), plan.warmupSteps()));
        b.append(String.format(Locale.ROOT, "Machine: %d CPUs (nproc), %s; Java %s; %s; DJL %s, %s. "
                + "1-minute load average %.2f at the start, %.2f at the end.%n%n", machine.cpus(), machine.cpuModel(),
                machine.java(), machine.os(), machine.djl(), machine.engine(), loadBefore, loadAfter));
        String[] header = HEADER.clone();
        header[8] = "overhead µs/step";
        header[10] = "max \\|diff\\|";
        b.append('|');
        for (String h : header) {
            b.append(' ').append(h).append(" |");
        }
        b.append('\n').append('|');
        for (int c = 0; c < header.length; c++) {
            b.append(c == 0 ? "---|" : "---:|");
        }
        b.append('\n');
        for (BenchRow r : rows) {
            b.append('|');
            for (String c : cells(r)) {
                b.append(' ').append(c).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String[] cells(BenchRow r) {
        boolean bare = r.hasBare();
        return new String[] {
            r.sampler().label(),
            Integer.toString(r.threads()),
            Integer.toString(r.steps()),
            Long.toString(r.nfe()),
            String.format(Locale.ROOT, "%.2f", r.wallSeconds()),
            String.format(Locale.ROOT, "%.0f", r.samplesPerSecond()),
            bare ? String.format(Locale.ROOT, "%.2f", r.bareWallSeconds()) : "-",
            bare ? String.format(Locale.ROOT, "%+.1f", r.overheadPercent()) : "-",
            bare ? String.format(Locale.ROOT, "%+.0f", r.overheadMicrosPerStep()) : "-",
            bare ? String.format(Locale.ROOT, "%+.1f", r.cpuOverheadPercent()) : "-",
            bare ? (r.maxAbsDiff() == 0 ? "0" : String.format(Locale.ROOT, "%.1e", r.maxAbsDiff())) : "-",
        };
    }

    private static void appendLine(StringBuilder b, String[] cells, int[] width) {
        for (int c = 0; c < cells.length; c++) {
            if (c == 0) {
                b.append(String.format(Locale.ROOT, "%-" + width[c] + "s", cells[c]));
            } else {
                b.append("  ").append(String.format(Locale.ROOT, "%" + width[c] + "s", cells[c]));
            }
        }
        b.append(System.lineSeparator());
    }
}
