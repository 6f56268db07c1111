package com.poclab.trust.benchmark;

/**
 * The knobs of one benchmark run, as system properties ({@code -Dbenchmark.NAME=VALUE}, passed through
 * {@code ./poclab benchmark}). The defaults are issue 8's measurement, its 10-minute soak included
 * (about 25 minutes on the 2-core machine); {@code soak-run-in-seconds=0 soak-seconds=60} gives a
 * five-minute run whose heap figure settles nothing.
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

    /** Issue 8: "no growth across a 10-minute soak". */
    public static final int ISSUE_SOAK_SECONDS = 600;

    /**
     * Long enough for the user sessions of the soak's Okta load to reach their steady count before the
     * first heap measurement: realm okta's SSO idle time (300 s), Keycloak's 120 s expiry grace and up to
     * a minute before Infinispan's reaper removes them.
     */
    public static final int SOAK_RUN_IN_SECONDS = 480;

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
                (int) number("soak-run-in-seconds", SOAK_RUN_IN_SECONDS),
                (int) number("soak-seconds", ISSUE_SOAK_SECONDS),
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
