package com.poclab.trust.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Keycloak's admin REST API over plain HTTP, signed in as a master-realm admin through
 * {@code admin-cli}; the token is renewed well before master's 60 s access token lifespan.
 */
public final class KeycloakAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String user;
    private final String password;
    private final Supplier<String> tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String token;
    private long tokenAt;

    public KeycloakAdmin(String base, String user, String password) {
        this.base = base;
        this.user = user;
        this.password = password;
        this.tokens = this::passwordGrantToken;
    }

    /** Signed in by someone else, e.g. the integration tests' admin client. */
    public KeycloakAdmin(String base, Supplier<String> accessTokens) {
        this.base = base;
        this.user = null;
        this.password = null;
        this.tokens = accessTokens;
    }

    public JsonNode get(String path) {
        HttpResponse<String> response = send(request(path).GET());
        expect(response, 200, path);
        return parse(response.body());
    }

    /** GET that answers null on 404. */
    public JsonNode find(String path) {
        HttpResponse<String> response = send(request(path).GET());
        if (response.statusCode() == 404) {
            return null;
        }
        expect(response, 200, path);
        return parse(response.body());
    }

    public JsonNode post(String path, Object body) {
        HttpResponse<String> response = send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body))));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isBlank() ? null : parse(response.body());
    }

    public void put(String path, Object body) {
        HttpResponse<String> response = send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(write(body))));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    public void delete(String path) {
        HttpResponse<String> response = send(request(path).DELETE());
        if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
            throw new IllegalStateException("DELETE " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + "/admin/realms" + path)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + tokens.get()).header("Accept", "application/json");
    }

    private synchronized String passwordGrantToken() {
        if (token == null || System.currentTimeMillis() - tokenAt > 20_000) {
            String form = "grant_type=password&client_id=admin-cli&username=" + segment(user) + "&password=" + segment(password);
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
            expect(response, 200, "admin sign-in as " + user);
            token = parse(response.body()).get("access_token").asText();
            tokenAt = System.currentTimeMillis();
        }
        return token;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
