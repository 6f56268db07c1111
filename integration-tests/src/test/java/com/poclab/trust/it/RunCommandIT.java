package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The README's run command on a fresh home: it builds, installs and starts POCLAB Trust on
 * http://localhost:8080, prints where everything is, stops cleanly, and a second run keeps
 * what the admin changed (H2 file database, realms imported on the first start only); a third
 * run in production mode ({@code POCLAB_MODE=production}) serves the same data.
 * Runs in its own Failsafe execution, after the suite's server has released port 8080.
 */
public class RunCommandIT {

    private static final String BASE = "http://localhost:8080";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    public void runStartsPoclabAndASecondRunKeepsTheAdminsChanges() throws Exception {
        Path home = Path.of("target", "run-command-home").toAbsolutePath();
        deleteRecursively(home);

        Path firstLog = ProjectPaths.artifacts().resolve("run-command-first.log");
        Process first = start(home, firstLog);
        String firstOutput;
        String password;
        try {
            firstOutput = awaitReady(first, firstLog);
            Matcher generated = Pattern.compile("bootstrap admin 'admin' with password (\\S+)").matcher(firstOutput);
            assertTrue(generated.find(), "the generated admin password is printed:\n" + firstOutput);
            password = generated.group(1);
            assertTrue(password.length() >= 24, "a long random password");
            for (String url : List.of(BASE + "/admin/master/console/", BASE + "/realms/eam/.well-known/openid-configuration",
                    BASE + "/realms/okta/.well-known/openid-configuration")) {
                assertTrue(firstOutput.contains(url), "prints " + url);
                assertEquals(200, get(url).statusCode(), url);
            }
            assertTrue(firstOutput.contains("Integrations page"), "prints the integrations page URL");
            assertTrue(firstOutput.contains("Realm 'eam' imported") && firstOutput.contains("Realm 'okta' imported"));

            String token = adminToken(password);
            assertEquals("poclab", realm(token, "eam").get("loginTheme").asText(), "realm eam uses the poclab theme");
            ObjectNode eam = (ObjectNode) realm(token, "eam");
            eam.put("displayName", "Changed by an admin " + UUID.randomUUID());
            assertEquals(204, send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/eam"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(eam.toString()))).statusCode());
            stop(first);
        } finally {
            first.destroyForcibly();
        }

        Path secondLog = ProjectPaths.artifacts().resolve("run-command-second.log");
        Instant secondStart = Instant.now();
        Process second = start(home, secondLog);
        try {
            String secondOutput = awaitReady(second, secondLog);
            Duration startup = Duration.between(secondStart, Instant.now());
            assertFalse(secondOutput.contains("Fetching org.keycloak"), "no second download");
            assertFalse(secondOutput.contains("with password"), "the password is printed once");
            assertFalse(secondOutput.contains("Realm 'eam' imported"), "no re-import over the admin's changes");
            String changedName = realm(adminToken(password), "eam").get("displayName").asText();
            assertTrue(changedName.startsWith("Changed by an admin"), "the change survived the restart: " + changedName);
            assertTrue(startup.compareTo(Duration.ofSeconds(120)) < 0, "second start took " + startup);
            assertTrue(secondOutput.contains("Profile dev activated"), "development mode by default");
            stop(second);
        } finally {
            second.destroyForcibly();
        }

        // POCLAB_MODE=production on the same home: Keycloak's production profile, same data.
        Path thirdLog = ProjectPaths.artifacts().resolve("run-command-production.log");
        Process third = start(home, thirdLog, "production");
        try {
            String thirdOutput = awaitReady(third, thirdLog);
            assertTrue(thirdOutput.contains("Starting Keycloak in production mode"), thirdOutput);
            assertTrue(thirdOutput.contains("Profile prod activated"), "Keycloak's production profile:\n" + thirdOutput);
            assertFalse(thirdOutput.contains("Realm 'eam' imported"), "no re-import over the admin's changes");
            String changedName = realm(adminToken(password), "eam").get("displayName").asText();
            assertTrue(changedName.startsWith("Changed by an admin"), "the same database: " + changedName);
            assertEquals(200, get(BASE + "/realms/eam/.well-known/openid-configuration").statusCode());
            stop(third);
        } finally {
            third.destroyForcibly();
        }
    }

    private Process start(Path home, Path log) throws IOException {
        return start(home, log, null);
    }

    private Process start(Path home, Path log, String mode) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", ProjectPaths.root().resolve("poclab").toString(), "run")
                .directory(ProjectPaths.root().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("POCLAB_HOME", home.toString());
        builder.environment().remove("POCLAB_ADMIN_PASSWORD");
        if (mode == null) {
            builder.environment().remove("POCLAB_MODE");
        } else {
            builder.environment().put("POCLAB_MODE", mode);
        }
        return builder.start();
    }

    /** Waits for the ready banner; returns everything printed so far. */
    private String awaitReady(Process process, Path log) throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            if (output.contains("POCLAB Trust is running") && output.contains("Stop with Ctrl-C")) {
                return output;
            }
            if (!process.isAlive()) {
                throw new AssertionError("./poclab run exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("not ready within " + START_TIMEOUT + ":\n" + Files.readString(log));
    }

    /** Ctrl-C's equivalent for a background run: SIGTERM, which the script forwards to Keycloak. */
    private void stop(Process process) throws Exception {
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops within a minute");
        for (int i = 0; i < 30; i++) {
            try {
                get(BASE + "/");
                Thread.sleep(1000);
            } catch (ConnectException e) {
                return;
            }
        }
        throw new AssertionError("port 8080 still answers after stop");
    }

    private String adminToken(String password) throws Exception {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(BASE + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    private JsonNode realm(String token, String name) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/" + name))
                .header("Authorization", "Bearer " + token).GET());
        assertEquals(200, response.statusCode());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
