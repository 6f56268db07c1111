package com.poclab.trust.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The suite's server log while a test runs. In distribution mode Keycloak's test framework
 * reads the server's console output and re-logs every line in the test JVM under the
 * logger {@code managed.keycloak} (DistributionKeycloakServer.OutputHandler): a handler on
 * that logger sees what ops would see in the server log.
 */
final class ServerLog implements AutoCloseable {

    private static final String FRAMEWORK_LOGGER = "managed.keycloak";

    private final Logger logger = Logger.getLogger(FRAMEWORK_LOGGER);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(String.valueOf(record.getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private ServerLog() {
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    static ServerLog capture() {
        return new ServerLog();
    }

    /** Waits until a line containing {@code marker} was read (the output is read asynchronously). */
    boolean awaitLine(String marker, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (lines.stream().anyMatch(l -> l.contains(marker))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
