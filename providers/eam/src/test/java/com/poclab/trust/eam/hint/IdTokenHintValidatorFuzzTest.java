package com.poclab.trust.eam.hint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.common.util.Base64Url;
import org.keycloak.util.JsonSerialization;

/**
 * Coverage-guided fuzzing of contract section 2 (issue 7). Whatever Entra, or anyone posing
 * as Entra, posts as id_token_hint, the validator answers with a verdict and never throws; a
 * hint signed by Entra's key is accepted only when its claims keep every rule.
 *
 * <p>Seeds: {@code src/test/resources/com/poclab/trust/eam/hint/IdTokenHintValidatorFuzzTestInputs/<method>/},
 * Entra-shaped hints and claims signed by the fixed test key {@code fuzz-signing-key.pk8.b64}
 * (a key made for these tests, trusted nowhere). {@code mvn verify} fuzzes each target for
 * {@code fuzz.duration}; see providers/eam/pom.xml.
 */
class IdTokenHintValidatorFuzzTest {

    static final Instant NOW = Instant.parse("2026-12-03T10:02:00Z");
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String APP_ID = "poclab-eam";
    static final String KID = "entra-kid";
    private static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final Duration SKEW = Duration.ofMinutes(1);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64URL.encodeToString(
            "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"entra-kid\"}".getBytes(StandardCharsets.US_ASCII));

    static final PrivateKey SIGNING_KEY = testKey();
    private static final PublicKey PUBLIC_KEY = publicKeyOf(SIGNING_KEY);

    private final IdTokenHintValidator validator = new IdTokenHintValidator(EntraAuthority.parse(EntraAuthority.GLOBAL),
            Set.of(TENANT), APP_ID, MAX_AGE, SKEW, kid -> KID.equals(kid) ? PUBLIC_KEY : null,
            Clock.fixed(NOW, ZoneOffset.UTC));

    /** Any bytes posted as id_token_hint get a verdict. */
    @FuzzTest(maxDuration = "30s")
    void anyHintGetsAVerdict(byte[] hint) {
        HintValidation verdict = validator.validate(new String(hint, StandardCharsets.UTF_8));
        assertNotNull(verdict);
        if (verdict instanceof HintValidation.Accepted accepted) {
            assertKeepsEveryRule(accepted, hint);
        }
    }

    /** Entra's key signs claims that are anything at all: the claim rules alone must hold. */
    @FuzzTest(maxDuration = "30s")
    void signedHintWithAnyClaimsGetsAVerdict(byte[] claimsJson) {
        String signingInput = HEADER + "." + B64URL.encodeToString(claimsJson);
        HintValidation verdict = validator.validate(signingInput + "." + B64URL.encodeToString(sign(signingInput)));
        assertNotNull(verdict);
        if (verdict instanceof HintValidation.Accepted accepted) {
            assertClaimsKeepEveryRule(accepted.hint(), claimsJson);
        }
    }

    /** The seeds reach past the signature: the Entra-shaped seed hint is accepted. */
    @Test
    void theEntraShapedSeedIsAccepted() throws IOException {
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("IdTokenHintValidatorFuzzTestInputs/anyHintGetsAVerdict/entra-hint"))) {
            byte[] hint = in.readAllBytes();
            HintValidation verdict = validator.validate(new String(hint, StandardCharsets.UTF_8));
            assertKeepsEveryRule(assertInstanceOf(HintValidation.Accepted.class, verdict, verdict.toString()), hint);
        }
    }

    private static void assertKeepsEveryRule(HintValidation.Accepted accepted, byte[] hint) {
        String[] parts = new String(hint, StandardCharsets.UTF_8).trim().split("\\.", -1);
        assertEquals(3, parts.length, "an accepted hint is a compact JWS");
        assertClaimsKeepEveryRule(accepted.hint(), Base64Url.decode(parts[1]));
    }

    /** An independent reading of contract section 2 over the claims the validator accepted. */
    private static void assertClaimsKeepEveryRule(EntraHint hint, byte[] claimsJson) {
        JsonNode claims;
        try {
            claims = JsonSerialization.mapper.readTree(claimsJson);
        } catch (IOException e) {
            throw new AssertionError("accepted claims that are not JSON", e);
        }
        assertTrue(claims.isObject(), "claims are a JSON object");
        assertEquals(TENANT, claims.path("tid").asText().toLowerCase(), "tid is an allowed tenant");
        assertEquals(TENANT, hint.tenantId());
        String iss = claims.path("iss").asText();
        String prefix = EntraAuthority.GLOBAL + "/";
        assertTrue(claims.path("iss").isTextual() && iss.startsWith(prefix) && iss.endsWith("/v2.0")
                && iss.substring(prefix.length(), iss.length() - "/v2.0".length()).equalsIgnoreCase(TENANT),
                "iss is the tenant's v2.0 issuer: " + iss);
        JsonNode aud = claims.path("aud");
        assertTrue(aud.isTextual() && APP_ID.equals(aud.asText())
                || aud.isArray() && aud.size() == 1 && APP_ID.equals(aud.get(0).asText()) && aud.get(0).isTextual(), "aud is the App ID");
        JsonNode ver = claims.get("ver");
        assertTrue(ver == null || ver.isTextual() && "2.0".equals(ver.asText()), "ver is 2.0");
        assertTrue(IdTokenHintValidator.isGuid(claims.path("oid").asText()) && claims.path("oid").isTextual(), "oid is a GUID");
        assertTrue(claims.path("sub").isTextual() && !claims.path("sub").asText().isBlank(), "sub is present");
        JsonNode iat = claims.path("iat");
        assertTrue(iat.isNumber(), "iat is a number");
        BigDecimal issued = iat.decimalValue();
        long now = NOW.getEpochSecond();
        assertTrue(issued.compareTo(BigDecimal.valueOf(now + SKEW.getSeconds())) <= 0, "iat is not in the future: " + iat);
        assertTrue(issued.compareTo(BigDecimal.valueOf(now - MAX_AGE.getSeconds() - SKEW.getSeconds())) >= 0,
                "iat is recent: " + iat);
        assertEquals(issued.longValue(), hint.issuedAt(), "the issue time read is the one signed");
        JsonNode nbf = claims.get("nbf");
        assertTrue(nbf == null || nbf.isNumber() && nbf.decimalValue().compareTo(BigDecimal.valueOf(now + SKEW.getSeconds())) <= 0,
                "nbf is absent or reached: " + nbf);
    }

    static byte[] sign(String signingInput) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(SIGNING_KEY);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey testKey() {
        try (InputStream in = Objects.requireNonNull(IdTokenHintValidatorFuzzTest.class.getResourceAsStream("fuzz-signing-key.pk8.b64"),
                "the fuzz test key is missing from the test resources")) {
            byte[] der = Base64.getMimeDecoder().decode(in.readAllBytes());
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the fuzz test key cannot be read", e);
        }
    }

    private static PublicKey publicKeyOf(PrivateKey key) {
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
