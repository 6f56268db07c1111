package com.poclab.trust.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Bounded external commands: each has a time limit and its output in a log file. */
final class Commands {

    private Commands() {
    }

    /** Runs {@code command}, appending its output to {@code log}; fails on a non-zero exit or time-out. */
    static void run(Duration timeout, Path log, String... command) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitExit(process, timeout, String.join(" ", command), log);
    }

    /** Runs {@code command} and returns its output; fails on a non-zero exit or time-out. */
    static String output(String[] command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("poclab-cmd", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            awaitExit(process, timeout, String.join(" ", command), out);
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void awaitExit(Process process, Duration timeout, String what, Path log) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(process.toHandle(), Duration.ZERO);
            throw new IllegalStateException("Timed out after " + timeout + ": " + what + "\n" + tail(log, 40));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Exit " + process.exitValue() + ": " + what + "\n" + tail(log, 40));
        }
    }

    /**
     * Ends a process and every process it started: SIGTERM, then SIGKILL after {@code grace}
     * ({@link Duration#ZERO}: SIGKILL at once, as {@code kill -9} does).
     */
    static void kill(ProcessHandle process, Duration grace) {
        List<ProcessHandle> all = Stream.concat(process.descendants(), Stream.of(process)).toList();
        if (!grace.isZero()) {
            all.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + grace.toNanos();
            for (ProcessHandle p : all) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    try {
                        p.onExit().get(left, TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                        // still alive: killed below
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("process " + p.pid() + " survived SIGKILL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The last {@code lines} lines of a log, for failure messages. */
    static String tail(Path log, int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no " + log + ")";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
