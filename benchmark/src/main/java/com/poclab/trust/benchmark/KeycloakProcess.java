package com.poclab.trust.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Keycloak JVM under test, seen from outside: CPU time from /proc, heap through jcmd. */
public final class KeycloakProcess {

    /** Linux's USER_HZ: /proc reports CPU time in 1/100 s on every supported architecture. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

    private final long pid;

    public KeycloakProcess(long pid) {
        this.pid = pid;
    }

    public long pid() {
        return pid;
    }

    /** User + system CPU seconds the process has used so far ({@code /proc/<pid>/stat} utime + stime). */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields after "(comm)" start at field 3 (state); utime and stime are fields 14 and 15.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak process " + pid + " is gone", e);
        }
    }

    /** Heap in use (bytes) right after a full GC: {@code jcmd GC.run}, then {@code GC.heap_info}. */
    public long heapUsedAfterGc() {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("No heap total/used in jcmd GC.heap_info output:\n" + info);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }

    private String jcmd(String command) {
        try {
            Process process = new ProcessBuilder(List.of("jcmd", Long.toString(pid), command)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
