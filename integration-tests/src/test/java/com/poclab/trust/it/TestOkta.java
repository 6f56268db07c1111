package com.poclab.trust.it;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.NameValuePair;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.utils.URIBuilder;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;

/**
 * Okta's side of the protocol, exactly as docs/okta.md describes it: the authorize
 * redirect ({@code openid email profile}, state, nonce, optional login_hint and PKCE S256),
 * the code redemption with the client secret in the Basic header or the body, the ID token
 * checked against the realm JWKS, and userinfo.
 */
final class TestOkta implements Closeable {

    enum ClientAuth { CLIENT_SECRET_BASIC, CLIENT_SECRET_POST }

    /** One authorize redirect and what Okta remembers of it. */
    record Authorization(String url, String redirectUri, String state, String nonce, String codeVerifier, String loginHint) {
    }

    /** An HTTP answer from a back-channel endpoint, body as JSON (null when not JSON). */
    record Reply(int status, JsonNode json, String body) {

        String field(String name) {
            return json == null || !json.hasNonNull(name) ? null : json.get(name).asText();
        }
    }

    static final String SCOPE = "openid email profile";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CloseableHttpClient http = HttpClients.custom().disableRedirectHandling().build();
    private final JsonNode discovery;
    final String clientId;
    final String redirectUri;
    String clientSecret;

    TestOkta(String issuer, String clientId, String clientSecret, String redirectUri) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
        Reply reply = send(new HttpGet(issuer + "/.well-known/openid-configuration"));
        if (reply.status() != 200) {
            throw new AssertionError("Discovery of " + issuer + " answered " + reply.status());
        }
        this.discovery = reply.json();
    }

    String issuer() {
        return discovery.get("issuer").asText();
    }

    /** The authorize redirect Okta sends the browser on, to its own callback. */
    Authorization authorize(String loginHint, boolean pkce) {
        return authorize(redirectUri, loginHint, pkce);
    }

    Authorization authorize(String redirect, String loginHint, boolean pkce) {
        String state = random(24);
        String nonce = random(24);
        String verifier = pkce ? random(48) : null;
        try {
            URIBuilder url = new URIBuilder(discovery.get("authorization_endpoint").asText())
                    .addParameter("client_id", clientId)
                    .addParameter("response_type", "code")
                    .addParameter("scope", SCOPE)
                    .addParameter("redirect_uri", redirect)
                    .addParameter("state", state)
                    .addParameter("nonce", nonce);
            if (loginHint != null) {
                url.addParameter("login_hint", loginHint);
            }
            if (pkce) {
                byte[] challenge = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                url.addParameter("code_challenge", Base64.getUrlEncoder().withoutPadding().encodeToString(challenge))
                        .addParameter("code_challenge_method", "S256");
            }
            return new Authorization(url.build().toString(), redirect, state, nonce, verifier, loginHint);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Okta redeems a code for what it asked, with its own client ID and current secret. */
    Reply redeem(String code, Authorization authorization, ClientAuth auth) {
        return redeem(code, authorization.redirectUri(), authorization.codeVerifier(), auth, clientSecret);
    }

    Reply redeem(String code, String redirect, String codeVerifier, ClientAuth auth, String secret) {
        HttpPost post = new HttpPost(discovery.get("token_endpoint").asText());
        List<NameValuePair> form = new ArrayList<>();
        form.add(new BasicNameValuePair("grant_type", "authorization_code"));
        form.add(new BasicNameValuePair("code", code));
        form.add(new BasicNameValuePair("redirect_uri", redirect));
        if (codeVerifier != null) {
            form.add(new BasicNameValuePair("code_verifier", codeVerifier));
        }
        if (auth == ClientAuth.CLIENT_SECRET_BASIC) {
            // RFC 6749 section 2.3.1: both parts form-urlencoded before Base64.
            String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
            post.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.add(new BasicNameValuePair("client_id", clientId));
            form.add(new BasicNameValuePair("client_secret", secret));
        }
        post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
        return send(post);
    }

    Reply userinfo(String accessToken) {
        HttpGet get = new HttpGet(discovery.get("userinfo_endpoint").asText());
        get.setHeader("Authorization", "Bearer " + accessToken);
        return send(get);
    }

    /**
     * Checks the ID token's RS256 signature with the realm key its {@code kid} names, fetched
     * from the discovery {@code jwks_uri}; returns the claims.
     */
    JsonNode verifiedClaims(String idToken) {
        String[] parts = idToken.split("\\.");
        if (parts.length != 3) {
            throw new AssertionError("ID token is not a JWS compact serialization");
        }
        JsonNode header = decode(parts[0]);
        if (!"RS256".equals(header.path("alg").asText())) {
            throw new AssertionError("ID token alg is " + header.path("alg") + ", Okta expects RS256");
        }
        String kid = header.path("kid").asText(null);
        if (kid == null) {
            throw new AssertionError("ID token header has no kid");
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(jwksKey(kid));
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new AssertionError("ID token signature does not verify with JWKS key " + kid);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError("ID token signature check failed: " + e, e);
        }
        return decode(parts[1]);
    }

    private PublicKey jwksKey(String kid) throws java.security.GeneralSecurityException {
        Reply jwks = send(new HttpGet(discovery.get("jwks_uri").asText()));
        for (JsonNode key : jwks.json().get("keys")) {
            if (kid.equals(key.path("kid").asText()) && "RSA".equals(key.path("kty").asText())) {
                BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").asText()));
                BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").asText()));
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
            }
        }
        throw new AssertionError("No RSA key with kid " + kid + " in the realm JWKS");
    }

    private static JsonNode decode(String part) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply send(HttpUriRequest request) {
        try (CloseableHttpResponse response = http.execute(request)) {
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            JsonNode json = null;
            try {
                json = body.isEmpty() ? null : JSON.readTree(body);
            } catch (IOException notJson) {
                json = null;
            }
            return new Reply(response.getStatusLine().getStatusCode(), json, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
