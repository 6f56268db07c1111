package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Verifies a token the way a relying party (Entra, Okta) does: signature by a key in the realm's JWKS. */
public final class RealmTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RealmTokens() {
    }

    public static JsonNode discovery(String keycloakBase, String realm) throws Exception {
        return getJson(keycloakBase + "/realms/" + realm + "/.well-known/openid-configuration");
    }

    /** Checks the RS256 signature against the realm JWKS and returns the claims. */
    public static JsonNode verifiedClaims(String keycloakBase, String realm, String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, "a signed JWT");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("RS256", header.get("alg").asText());
        String kid = header.get("kid").asText();
        JsonNode jwks = getJson(discovery(keycloakBase, realm).get("jwks_uri").asText());
        JsonNode jwk = null;
        for (JsonNode key : jwks.get("keys")) {
            if (kid.equals(key.get("kid").asText())) {
                jwk = key;
            }
        }
        assertNotNull(jwk, "kid " + kid + " is in the realm JWKS");
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("n").asText())),
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("e").asText()))));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(key);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(Base64.getUrlDecoder().decode(parts[2])), "signature verifies with the realm JWKS");
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url);
        return JSON.readTree(response.body());
    }
}
