package com.poclab.trust.benchmark;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.gatling.app.Gatling$;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * Runs the benchmark against a Keycloak that is already up (see benchmark/run.sh): prepares the
 * realms, then for each scenario measures throughput at saturation (closed model, fixed concurrency)
 * and latency at half that rate (open model), then (after an optional run-in at the same load) a soak
 * of all three at half saturation between two heap measurements, and writes target/benchmark/report.md. Each phase is its own Gatling run
 * with its own HTML report.
 */
public final class BenchmarkRunner {

    public static final List<String> SCENARIOS = List.of(RoundTrips.EAM, RoundTrips.OKTA, RoundTrips.BASELINE);

    /** Per scenario: what a phase produced. */
    public record ScenarioResult(String scenario, int people, double flowsPerSecond, int saturationOk, int saturationFailed,
            double cpuSecondsPerFlow, double keycloakCores, double machineCores, double halfRate, int halfOk, int halfFailed,
            double p50, double p95, double p99, int totpWaits) {
    }

    /** The smoke run: Gatling's exit status and each scenario's ok and failed flows. */
    public record SmokeResult(int gatlingStatus, Map<String, int[]> flows, int jwksFetches, int publishedKeys) {
    }

    private final BenchmarkSettings settings;
    private final Path out;

    BenchmarkRunner(BenchmarkSettings settings) {
        this.settings = settings;
        this.out = Path.of(settings.outputDir()).toAbsolutePath();
    }

    public static void main(String[] args) throws Exception {
        BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
        if (settings.keycloakPid() <= 0) {
            throw new IllegalArgumentException("-Dbenchmark.keycloak-pid=<pid of the Keycloak JVM> is required (run.sh sets it)");
        }
        new BenchmarkRunner(settings).benchmark();
    }

    /** Each scenario once with a few people: proves the request chains still match the server. */
    public static SmokeResult smoke(String keycloakBase, Supplier<String> adminAccessTokens, Path outputDir) throws IOException {
        BenchmarkSettings settings = BenchmarkSettings.smoke(keycloakBase, outputDir.toString());
        BenchmarkRunner runner = new BenchmarkRunner(settings);
        BenchmarkRealms realms = new BenchmarkRealms(new KeycloakAdmin(keycloakBase, adminAccessTokens));
        try (LoopbackEntra entra = new LoopbackEntra()) {
            RoundTrips trips = new RoundTrips(entra, realms.prepare(entra, settings));
            int status = runner.gatling("smoke", () -> {
                List<PopulationBuilder> populations = new ArrayList<>();
                for (String scenario : SCENARIOS) {
                    populations.add(trips.scenarioFor(scenario).injectOpen(atOnceUsers(settings.saturationConcurrency())));
                }
                return new LoadPlan(populations, RoundTrips.protocol(keycloakBase), List.of(global().failedRequests().count().is(0L)));
            });
            Map<String, int[]> flows = new LinkedHashMap<>();
            for (String scenario : SCENARIOS) {
                List<FlowRecorder.Flow> done = trips.recorder(scenario).drain();
                int ok = (int) done.stream().filter(FlowRecorder.Flow::ok).count();
                flows.put(scenario, new int[] {ok, done.size() - ok});
            }
            return new SmokeResult(status, flows, entra.jwksFetches(), entra.publishedKeys());
        } finally {
            realms.restore();
        }
    }

    private void benchmark() throws IOException {
        Files.createDirectories(out);
        KeycloakProcess keycloak = new KeycloakProcess(settings.keycloakPid());
        BenchmarkReport report = new BenchmarkReport(settings, out);
        KeycloakAdmin admin = new KeycloakAdmin(settings.keycloakBase(), settings.adminUser(), settings.adminPassword());
        try (LoopbackEntra entra = new LoopbackEntra()) {
            long setupStart = System.nanoTime();
            RoundTrips trips = new RoundTrips(entra, new BenchmarkRealms(admin).prepare(entra, settings));
            report.setupSeconds((System.nanoTime() - setupStart) / 1e9);
            Supplier<HttpProtocolBuilder> protocol = () -> RoundTrips.protocol(settings.keycloakBase());

            if (settings.warmupSeconds() > 0) {
                gatling("0-warm-up", () -> {
                    List<PopulationBuilder> warmup = new ArrayList<>();
                    for (String scenario : SCENARIOS) {
                        warmup.add(trips.scenarioFor(scenario).injectClosed(constantConcurrentUsers(Math.max(1, settings.saturationConcurrency() / 3))
                                .during(Duration.ofSeconds(settings.warmupSeconds()))));
                    }
                    return new LoadPlan(warmup, protocol.get(), List.of());
                });
                SCENARIOS.forEach(s -> trips.recorder(s).drain());
            }

            List<ScenarioResult> results = new ArrayList<>();
            for (String scenario : SCENARIOS) {
                results.add(measure(scenario, trips, protocol, keycloak));
            }

            int[] runIn = {0, 0};
            if (settings.soakRunInSeconds() > 0) {
                // The soak's own load until the user sessions it keeps alive reach their steady count (they
                // expire after the realm's SSO idle time): the heap comparison then measures leaks, not that count.
                gatling("8-soak-run-in", () -> soakPlan(trips, results, settings.soakRunInSeconds(), protocol.get()));
                runIn = drainFlows(trips);
            }
            HeapSample beforeSoak = HeapSample.take(keycloak, admin);
            if (settings.soakSeconds() > 0) {
                gatling("9-soak", () -> soakPlan(trips, results, settings.soakSeconds(), protocol.get()));
            }
            int[] soak = drainFlows(trips);
            HeapSample afterSoak = HeapSample.take(keycloak, admin);
            report.write(results, runIn, beforeSoak, afterSoak, soak, entra.jwksFetches(), entra.publishedKeys());
        }
    }

    /** Ok and failed flows of all scenarios since the last drain. */
    private static int[] drainFlows(RoundTrips trips) {
        int[] okAndFailed = {0, 0};
        for (String scenario : SCENARIOS) {
            for (FlowRecorder.Flow flow : trips.recorder(scenario).drain()) {
                okAndFailed[flow.ok() ? 0 : 1]++;
            }
        }
        return okAndFailed;
    }

    /** All three together at half of saturation: each at a third of its own half-saturation rate. */
    private static LoadPlan soakPlan(RoundTrips trips, List<ScenarioResult> results, int seconds, HttpProtocolBuilder protocol) {
        List<PopulationBuilder> soak = new ArrayList<>();
        for (ScenarioResult result : results) {
            soak.add(trips.scenarioFor(result.scenario()).injectOpen(constantUsersPerSec(result.flowsPerSecond() / 6)
                    .during(Duration.ofSeconds(seconds)).randomized()));
        }
        return new LoadPlan(soak, protocol, List.of());
    }

    private ScenarioResult measure(String scenario, RoundTrips trips, Supplier<HttpProtocolBuilder> protocol, KeycloakProcess keycloak) {
        String tag = (SCENARIOS.indexOf(scenario) + 1) + "-" + scenario.toLowerCase().replaceAll("[^a-z0-9]+", "-");
        Population people = trips.population(scenario);
        int waitsBefore = people.exhausted();

        trips.presignHints(scenario, 2);
        MachineCpu machineBefore = MachineCpu.now();
        double cpuBefore = keycloak.cpuSeconds();
        long wallBefore = System.nanoTime();
        gatling(tag + "-saturation", () -> new LoadPlan(List.of(trips.scenarioFor(scenario).injectClosed(
                constantConcurrentUsers(settings.saturationConcurrency()).during(Duration.ofSeconds(settings.saturationSeconds())))),
                protocol.get(), List.of()));
        double wall = (System.nanoTime() - wallBefore) / 1e9;
        double cpu = keycloak.cpuSeconds() - cpuBefore;
        double machine = MachineCpu.now().busySecondsSince(machineBefore);

        List<FlowRecorder.Flow> saturation = trips.recorder(scenario).drain();
        long firstStart = saturation.stream().mapToLong(FlowRecorder.Flow::startNanos).min().orElse(0);
        long windowEnd = firstStart + settings.saturationSeconds() * 1_000_000_000L;
        long okInWindow = saturation.stream().filter(f -> f.ok() && f.endNanos() <= windowEnd).count();
        int ok = (int) saturation.stream().filter(FlowRecorder.Flow::ok).count();
        if (ok == 0) {
            throw new IllegalStateException(scenario + ": no round trip completed at saturation (" + saturation.size()
                    + " failed); Gatling's report in " + out.resolve("gatling").resolve(tag + "-saturation") + " says which step");
        }
        double flowsPerSecond = okInWindow / (double) settings.saturationSeconds();

        double halfRate = Math.max(0.5, flowsPerSecond / 2);
        trips.presignHints(scenario, 1);
        gatling(tag + "-half-saturation", () -> new LoadPlan(List.of(trips.scenarioFor(scenario).injectOpen(
                constantUsersPerSec(halfRate).during(Duration.ofSeconds(settings.halfSaturationSeconds())).randomized())),
                protocol.get(), List.of()));
        trips.discardPresignedHints();
        List<FlowRecorder.Flow> half = trips.recorder(scenario).drain();
        double[] millis = half.stream().filter(FlowRecorder.Flow::ok).mapToDouble(FlowRecorder.Flow::millis).sorted().toArray();

        return new ScenarioResult(scenario, people.size(), flowsPerSecond, ok, saturation.size() - ok,
                ok == 0 ? Double.NaN : cpu / ok, cpu / wall, machine / wall, halfRate, millis.length, half.size() - millis.length,
                percentile(millis, 50), percentile(millis, 95), percentile(millis, 99), people.exhausted() - waitsBefore);
    }

    /** One Gatling run; its HTML report goes to {@code gatling/<phase>/}. Returns Gatling's exit status. */
    private int gatling(String phase, Supplier<LoadPlan> plan) {
        LoadPlan.handOver(plan);
        Path results = out.resolve("gatling").resolve(phase);
        return Gatling$.MODULE$.fromArgs(new String[] {
            "-s", PoclabSimulation.class.getName(),
            "-rf", results.toString(),
            "-rd", phase});
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Busy CPU time of the whole machine (all processes), from /proc/stat. */
    record MachineCpu(long busyTicks) {
        static MachineCpu now() {
            try {
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < cpu.length && i <= 8; i++) {
                    if (i != 4 && i != 5) { // idle and iowait
                        busy += Long.parseLong(cpu[i]);
                    }
                }
                return new MachineCpu(busy);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        double busySecondsSince(MachineCpu before) {
            return (busyTicks - before.busyTicks) / 100.0;
        }
    }
}
