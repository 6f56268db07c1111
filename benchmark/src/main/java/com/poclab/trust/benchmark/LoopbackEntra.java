package com.poclab.trust.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * Entra ID as the benchmark needs it (../shared/docs/entra-eam.md sections 2 and 5): one RSA
 * signing key published at {@code {authority}/common/discovery/v2.0/keys} on a loopback port,
 * counting every fetch, and id_token_hints of Entra's shape and size (about 1.6 KB, issued
 * already expired). A trimmed copy of the integration tests' TestEntra, so this module needs no
 * test jar.
 */
public final class LoopbackEntra implements AutoCloseable {

    public static final String REDIRECT_URI = "https://login.microsoftonline.com/common/federation/externalauthprovider";
    public static final String CLAIMS = "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"possessionorinherence\"]},"
            + "\"amr\":{\"essential\":true,\"values\":[\"face\",\"fido\",\"fpt\",\"hwk\",\"iris\",\"otp\",\"pop\",\"retina\",\"sc\",\"sms\",\"swk\",\"tel\",\"vbm\"]}}}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final KeyPair key;
    private final String kid;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final String tenantId = UUID.randomUUID().toString();
    private final Map<String, Queue<String>> presigned = new ConcurrentHashMap<>();

    public LoopbackEntra() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            key = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        kid = randomBase64(27).replace('-', 'A').replace('_', 'B');
        byte[] jwks = jwks();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/common/discovery/v2.0/keys", exchange -> {
            jwksFetches.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:{port}}: loopback only. */
    public String authority() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String tenantId() {
        return tenantId;
    }

    public int publishedKeys() {
        return 1;
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /**
     * Signs, ahead of a measured phase, {@code perPerson} hints for each person (on both cores, before
     * the clock starts): Entra signs its hints on its own machines, not on the server's, so the
     * loopback Entra's RSA signing must not take CPU from Keycloak while throughput is measured.
     * Each hint is still fresh (new jti-like claims, {@code iat} seconds before use, well within the
     * 10-minute hint age) and used once; {@link #discardPresigned()} drops what a phase did not use.
     */
    public void presign(List<Population.Person> people, int perPerson, String audience) {
        people.parallelStream().forEach(person -> {
            Queue<String> queue = presigned.computeIfAbsent(person.entraObjectId(), oid -> new ConcurrentLinkedQueue<>());
            for (int i = 0; i < perPerson; i++) {
                queue.add(sign(person.entraObjectId(), person.username(), audience));
            }
        });
    }

    public void discardPresigned() {
        presigned.clear();
    }

    /** A fresh hint for the person Entra knows as {@code objectId} in this tenant, for app {@code audience}. */
    public String hint(String objectId, String upn, String audience) {
        Queue<String> queue = presigned.get(objectId);
        String ready = queue == null ? null : queue.poll();
        return ready != null ? ready : sign(objectId, upn, audience);
    }

    private String sign(String objectId, String upn, String audience) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("kid", kid);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("iss", authority() + "/" + tenantId + "/v2.0");
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now - 1);
        claims.put("aio", randomBase64(260));
        claims.put("name", "Bench Contoso");
        claims.put("oid", objectId);
        claims.put("preferred_username", upn);
        claims.put("rh", "1.AXoA" + randomBase64(60) + ".");
        claims.put("sub", randomBase64(32));
        claims.put("tid", tenantId);
        claims.put("upn", upn);
        claims.put("email", upn);
        claims.put("given_name", "Bench");
        claims.put("family_name", "Contoso");
        claims.put("uti", randomBase64(22));
        claims.put("ver", "2.0");
        claims.put("xms_ftd", randomBase64(64));
        String signingInput = encode(header) + "." + encode(claims);
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key.getPrivate());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Entra's form POST to the authorization endpoint (contract section 1). */
    public static Map<String, Object> authorizationRequest(String clientId, String hint) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("scope", "openid");
        request.put("response_type", "id_token");
        request.put("response_mode", "form_post");
        request.put("client_id", clientId);
        request.put("redirect_uri", REDIRECT_URI);
        request.put("nonce", randomBase64(32));
        request.put("state", randomBase64(48));
        request.put("id_token_hint", hint);
        request.put("claims", CLAIMS);
        request.put("client-request-id", UUID.randomUUID().toString());
        return request;
    }

    private byte[] jwks() {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("kid", kid);
        jwk.put("n", B64URL.encodeToString(unsigned(pub.getModulus())));
        jwk.put("e", B64URL.encodeToString(unsigned(pub.getPublicExponent())));
        try {
            return JSON.writeValueAsBytes(Map.of("keys", List.of(jwk)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String encode(Map<String, Object> json) {
        try {
            return B64URL.encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String randomBase64(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return B64URL.encodeToString(bytes).substring(0, length);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
