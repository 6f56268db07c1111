package com.poclab.trust.it;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Microsoft Entra ID, behaving as ../shared/docs/entra-eam.md describes: its
 * own RSA signing keys published as a JWKS at {@code {authority}/common/discovery/v2.0/keys}
 * and hints issued by {@code {authority}/{tid}/v2.0}
 * on a loopback HTTP server, and id_token_hints shaped and sized like Entra's (about 1.5-2.5
 * KB, every claim of contract section 2, issued already expired).
 */
public final class TestEntra implements AutoCloseable {

    public static final String REDIRECT_URI = "https://login.microsoftonline.com/common/federation/externalauthprovider";
    public static final String CLAIMS = "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"possessionorinherence\"]},"
            + "\"amr\":{\"essential\":true,\"values\":[\"face\",\"fido\",\"fpt\",\"hwk\",\"iris\",\"otp\",\"pop\",\"retina\",\"sc\",\"sms\",\"swk\",\"tel\",\"vbm\"]}}}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final List<SigningKey> published = new ArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private SigningKey current;

    public record SigningKey(String kid, KeyPair keys) {
    }

    public TestEntra() throws IOException {
        current = newKey();
        published.add(current);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/common/discovery/v2.0/keys", exchange -> {
            jwksFetches.incrementAndGet();
            byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The authority to configure in realm eam: {@code http://127.0.0.1:{port}} (loopback only). */
    public String authority() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** Publishes a new key beside the old ones and signs with it from now on (Entra's rotation). */
    public SigningKey rotate() {
        current = newKey();
        published.add(current);
        return current;
    }

    public SigningKey currentKey() {
        return current;
    }

    /** A key Entra does not publish. */
    public static SigningKey unpublishedKey(String kid) {
        return new SigningKey(kid, generateRsa());
    }

    public HintBuilder hint(String tenantId, String objectId) {
        return new HintBuilder(tenantId, objectId);
    }

    /** Builds a hint exactly as Entra does, with knobs for hostile variants. */
    public final class HintBuilder {
        private final Map<String, Object> header = new LinkedHashMap<>();
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private SigningKey key = current;

        HintBuilder(String tenantId, String objectId) {
            long now = System.currentTimeMillis() / 1000;
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.put("kid", current.kid());
            claims.put("aud", PoclabEam.CLIENT_ID);
            claims.put("iss", authority() + "/" + tenantId + "/v2.0");
            claims.put("iat", now);
            claims.put("nbf", now);
            claims.put("exp", now - 1);
            claims.put("aio", randomBase64(260));
            claims.put("name", "Alice Contoso");
            claims.put("oid", objectId);
            claims.put("preferred_username", "alice-" + objectId.substring(0, 8) + "@contoso.com");
            claims.put("rh", "1.AXoA" + randomBase64(60) + ".");
            claims.put("sub", randomBase64(32));
            claims.put("tid", tenantId);
            claims.put("upn", "alice-" + objectId.substring(0, 8) + "@contoso.com");
            claims.put("email", "alice-" + objectId.substring(0, 8) + "@contoso.com");
            claims.put("given_name", "Alice");
            claims.put("family_name", "Contoso");
            claims.put("uti", randomBase64(22));
            claims.put("ver", "2.0");
            claims.put("xms_ftd", randomBase64(64));
        }

        public HintBuilder issuedSecondsAgo(long seconds) {
            long iat = System.currentTimeMillis() / 1000 - seconds;
            claims.put("iat", iat);
            claims.put("nbf", iat);
            claims.put("exp", iat - 1);
            return this;
        }

        public HintBuilder claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public HintBuilder header(String name, Object value) {
            header.put(name, value);
            return this;
        }

        public HintBuilder signedBy(SigningKey signingKey) {
            this.key = signingKey;
            header.put("kid", signingKey.kid());
            return this;
        }

        public Object claimValue(String name) {
            return claims.get(name);
        }

        /** Signed RS256 (or with whatever {@code alg} the header now names, for hostile variants). */
        public String build() {
            String signingInput = encode(header) + "." + encode(claims);
            String alg = String.valueOf(header.get("alg"));
            byte[] signature = switch (alg) {
                case "RS256" -> rs256(signingInput, key.keys().getPrivate());
                case "none" -> new byte[0];
                case "HS256" -> hs256(signingInput, key.keys().getPublic().getEncoded());
                default -> throw new IllegalArgumentException(alg);
            };
            return signingInput + "." + B64URL.encodeToString(signature);
        }
    }

    private String jwks() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (SigningKey key : published) {
            RSAPublicKey pub = (RSAPublicKey) key.keys().getPublic();
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "RSA");
            jwk.put("use", "sig");
            jwk.put("kid", key.kid());
            jwk.put("n", B64URL.encodeToString(unsigned(pub.getModulus())));
            jwk.put("e", B64URL.encodeToString(unsigned(pub.getPublicExponent())));
            keys.add(jwk);
        }
        try {
            return JSON.writeValueAsString(Map.of("keys", keys));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static SigningKey newKey() {
        return new SigningKey(randomBase64(27).replace('-', 'A').replace('_', 'B'), generateRsa());
    }

    private static KeyPair generateRsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, Object> json) {
        try {
            return B64URL.encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] rs256(String input, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return signer.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hs256(String input, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String randomBase64(int length) {
        StringBuilder out = new StringBuilder();
        while (out.length() < length) {
            out.append(B64URL.encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII)));
        }
        return out.substring(0, length);
    }

    public static String newGuid() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
