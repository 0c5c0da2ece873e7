package org.score4j.runner.bench;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a benchmark ran on, for the record beside its table.
 *
 * @param cpus processors available to the JVM ({@code nproc})
 * @param cpuModel the first {@code model name} of {@code /proc/cpuinfo}, or the architecture
 * @param java the Java runtime version
 * @param os the operating system name and version
 * @param djl the DJL version
 * @param engine the engine name and version, e.g. {@code PyTorch 2.7.1}
 */
public record Machine(int cpus, String cpuModel, String java, String os, String djl, String engine) {

    /** The machine this JVM runs on. */
    public static Machine current() {
        Engine e = Engine.getEngine("PyTorch");
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                Engine.getDjlVersion(), e.getEngineName() + " " + e.getVersion());
    }

    /** The 1-minute load average of {@code /proc/loadavg} (NaN where unavailable): other work on the machine. */
    public static double loadAverage() {
        try {
            String l = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(l.substring(0, l.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** CPU time of this process, all threads, nanoseconds. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The resident set size of this process ({@code VmRSS} of {@code /proc/self/status}), kB; −1 where unknown. */
    public static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** The Java heap's committed size, kB (the part of the resident set the heap can account for at most). */
    public static long heapCommittedKb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    }

    private static String readCpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String l : lines) {
                if (l.startsWith("model name")) {
                    int colon = l.indexOf(':');
                    return l.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
