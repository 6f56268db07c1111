package com.poclab.trust.benchmark;

/**
 * The knobs of one benchmark run, as system properties ({@code -Dbenchmark.NAME=VALUE}, passed through
 * {@code ./poclab benchmark}). Defaults keep a run under about five minutes on the 2-core machine.
 */
public record BenchmarkSettings(
        String keycloakBase,
        String adminUser,
        String adminPassword,
        long keycloakPid,
        int eamPeople,
        int oktaPeople,
        int baselinePeople,
        int saturationConcurrency,
        int warmupSeconds,
        int saturationSeconds,
        int halfSaturationSeconds,
        int soakRunInSeconds,
        int soakSeconds,
        String outputDir) {

    public static BenchmarkSettings fromSystemProperties() {
        return new BenchmarkSettings(
                text("keycloak-url", "http://localhost:8080"),
                text("admin-user", envOr("POCLAB_ADMIN_USERNAME", "admin")),
                text("admin-password", envOr("POCLAB_ADMIN_PASSWORD", "admin")),
                number("keycloak-pid", 0),
                (int) number("people.eam", 3000),
                (int) number("people.okta", 3000),
                (int) number("people.baseline", 1000),
                (int) number("saturation-concurrency", 16),
                (int) number("warmup-seconds", 15),
                (int) number("saturation-seconds", 25),
                (int) number("half-saturation-seconds", 25),
                (int) number("soak-run-in-seconds", 0),
                (int) number("soak-seconds", 60),
                text("output", "target/benchmark"));
    }

    /** A few people and a few seconds: the smoke run of the integration tests. */
    public static BenchmarkSettings smoke(String keycloakBase, String outputDir) {
        return new BenchmarkSettings(keycloakBase, null, null, 0, 6, 6, 6, 2, 0, 0, 0, 0, 0, outputDir);
    }

    private static String text(String name, String fallback) {
        String value = System.getProperty("benchmark." + name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static long number(String name, long fallback) {
        String value = System.getProperty("benchmark." + name);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
