package com.poclab.trust.it;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Microsoft Entra ID, behaving as ../shared/docs/entra-eam.md describes: its
 * own RSA signing keys published as a JWKS at {@code {authority}/common/discovery/v2.0/keys}
 * and hints issued by {@code {authority}/{tid}/v2.0}
 * on a loopback HTTP server, and id_token_hints shaped and sized like Entra's (about 1.5-2.5
 * KB, every claim of contract section 2, issued already expired).
 *
 * <p>Also a minimal Entra OpenID Connect provider for one app registration (realm eam's
 * identity provider {@code entra}): the v2.0 authorization endpoint signs in the person the test
 * chose ({@link #signInNext}) and redirects back with code and state; the token endpoint checks
 * the client ID and secret, the code (once), the PKCE verifier and the redirect URI, and answers
 * an RS256 ID token signed by the current key, with Entra's claims; the tenant's keys are also
 * published at {@code {authority}/{tid}/discovery/v2.0/keys}.
 */
public final class TestEntra implements AutoCloseable {

    public static final String REDIRECT_URI = "https://login.microsoftonline.com/common/federation/externalauthprovider";
    public static final String CLAIMS = "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"possessionorinherence\"]},"
            + "\"amr\":{\"essential\":true,\"values\":[\"face\",\"fido\",\"fpt\",\"hwk\",\"iris\",\"otp\",\"pop\",\"retina\",\"sc\",\"sms\",\"swk\",\"tel\",\"vbm\"]}}}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    /** Entra's per-tenant v2.0 endpoints: {@code /{tid}/oauth2/v2.0/authorize|token}, {@code /{tid}/discovery/v2.0/keys}. */
    private static final Pattern OIDC_PATH = Pattern.compile("/([0-9a-f-]{36})/(oauth2/v2\\.0/authorize|oauth2/v2\\.0/token|discovery/v2\\.0/keys)");

    private final HttpServer server;
    private final List<SigningKey> published = new ArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private SigningKey current;
    private volatile AppRegistration app;
    private volatile EntraUser nextSignIn;
    private volatile SigningKey idTokenKey;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final AtomicInteger idTokensIssued = new AtomicInteger();

    public record SigningKey(String kid, KeyPair keys) {
    }

    /** An Entra app registration: what the admin copies into realm eam's identity provider. */
    public record AppRegistration(String clientId, String clientSecret, String redirectUri) {
    }

    /** A person signed in to Entra: tenant, object ID, UPN. */
    public record EntraUser(String tenantId, String objectId, String upn) {
    }

    private record Grant(EntraUser user, String clientId, String redirectUri, String nonce, String codeChallenge) {
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
        server.createContext("/", this::openIdConnect);
        server.start();
    }

    /** The authority to configure in realm eam: {@code http://127.0.0.1:{port}} (loopback only). */
    public String authority() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers the app the OIDC endpoints serve (one at a time, as realm eam has one provider). */
    public AppRegistration registerApp(String redirectUri) {
        app = new AppRegistration(newGuid(), randomBase64(40), redirectUri);
        return app;
    }

    /** The person who signs in at the next authorization request (Entra's sign-in page, done). */
    public void signInNext(EntraUser user) {
        nextSignIn = user;
    }

    /** Signs ID tokens with {@code key} (e.g. one Entra does not publish); null: the current key again. */
    public void signIdTokensWith(SigningKey key) {
        idTokenKey = key;
    }

    /** Why the OIDC endpoints refused requests so far (empty when every request was right). */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    public int idTokensIssued() {
        return idTokensIssued.get();
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

    private void openIdConnect(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher m = OIDC_PATH.matcher(path);
        if (!m.matches()) {
            respond(exchange, 404, "text/plain", "not found: " + path);
            return;
        }
        String tenant = m.group(1);
        switch (m.group(2)) {
            case "oauth2/v2.0/authorize" -> authorize(exchange, tenant);
            case "oauth2/v2.0/token" -> token(exchange, tenant);
            default -> {
                jwksFetches.incrementAndGet();
                respond(exchange, 200, "application/json", jwks());
            }
        }
    }

    /** Entra's sign-in, already done by {@link #nextSignIn}: code and state back to the redirect URI. */
    private void authorize(HttpExchange exchange, String tenant) throws IOException {
        Map<String, String> q = params(exchange.getRequestURI().getRawQuery());
        AppRegistration registered = app;
        EntraUser user = nextSignIn;
        String refusal = registered == null ? "no app registered"
                : !registered.clientId().equals(q.get("client_id")) ? "unknown client_id " + q.get("client_id")
                : !registered.redirectUri().equals(q.get("redirect_uri")) ? "redirect_uri not registered: " + q.get("redirect_uri")
                : !"code".equals(q.get("response_type")) ? "response_type " + q.get("response_type")
                : q.get("scope") == null || !List.of(q.get("scope").split(" ")).contains("openid") ? "scope without openid: " + q.get("scope")
                : !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null ? "no S256 PKCE challenge"
                : q.get("nonce") == null || q.get("state") == null ? "no nonce or state"
                : user == null ? "nobody signs in"
                : !user.tenantId().equals(tenant) ? "the user is not in tenant " + tenant
                : null;
        if (refusal != null) {
            refusals.add("authorize: " + refusal);
            respond(exchange, 400, "text/plain", "AADSTS50011: " + refusal);
            return;
        }
        nextSignIn = null;
        String code = "0.A" + randomBase64(300);
        codes.put(code, new Grant(user, registered.clientId(), registered.redirectUri(), q.get("nonce"), q.get("code_challenge")));
        exchange.getResponseHeaders().add("Location", registered.redirectUri() + "?code=" + url(code) + "&state=" + url(q.get("state"))
                + "&session_state=" + newGuid());
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** Redeems a code: client authentication (post or basic), code once, redirect URI, PKCE verifier. */
    private void token(HttpExchange exchange, String tenant) throws IOException {
        Map<String, String> form = params(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            clientId = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
        }
        AppRegistration registered = app;
        if (registered == null || !registered.clientId().equals(clientId) || !registered.clientSecret().equals(secret)) {
            refusals.add("token: invalid_client " + clientId);
            respond(exchange, 401, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}");
            return;
        }
        Grant grant = form.get("code") == null ? null : codes.remove(form.get("code"));
        String refusal = !"authorization_code".equals(form.get("grant_type")) ? "grant_type " + form.get("grant_type")
                : grant == null ? "unknown or used code"
                : !grant.clientId().equals(clientId) ? "code of another client"
                : !grant.redirectUri().equals(form.get("redirect_uri")) ? "redirect_uri differs: " + form.get("redirect_uri")
                : form.get("code_verifier") == null || !grant.codeChallenge().equals(s256(form.get("code_verifier"))) ? "PKCE verifier does not match"
                : !grant.user().tenantId().equals(tenant) ? "token endpoint of another tenant"
                : null;
        if (refusal != null) {
            refusals.add("token: " + refusal);
            respond(exchange, 400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70008: " + refusal + "\"}");
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", clientId);
        claims.put("iss", authority() + "/" + tenant + "/v2.0");
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + 3600);
        claims.put("aio", randomBase64(180));
        claims.put("name", "Entra " + grant.user().upn());
        claims.put("nonce", grant.nonce());
        claims.put("oid", grant.user().objectId());
        claims.put("preferred_username", grant.user().upn());
        claims.put("rh", "1.AXoA" + randomBase64(60) + ".");
        claims.put("sid", newGuid());
        claims.put("sub", s256(grant.user().objectId() + "|" + clientId)); // pairwise per app, like Entra's
        claims.put("tid", grant.user().tenantId());
        claims.put("uti", randomBase64(22));
        claims.put("ver", "2.0");
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        SigningKey signing = idTokenKey != null ? idTokenKey : current;
        header.put("kid", signing.kid());
        String signingInput = encode(header) + "." + encode(claims);
        String idToken = signingInput + "." + B64URL.encodeToString(rs256(signingInput, signing.keys().getPrivate()));
        idTokensIssued.incrementAndGet();
        respond(exchange, 200, "application/json", JSON.writeValueAsString(Map.of("token_type", "Bearer",
                "scope", "openid profile email", "expires_in", 3599, "ext_expires_in", 3599,
                "access_token", "eyJ0eXAiOiJKV1Qi." + randomBase64(900), "id_token", idToken)));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> params(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String s256(String value) {
        try {
            return B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
