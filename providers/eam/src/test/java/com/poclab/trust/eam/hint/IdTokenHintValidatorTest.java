package com.poclab.trust.eam.hint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Contract section 2, rule by rule, with hints signed like Entra's. */
class IdTokenHintValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Instant NOW = Instant.parse("2026-12-03T10:02:00Z");
    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String APP_ID = "poclab-eam";
    private static final KeyPair ENTRA = rsa();
    private static final KeyPair OTHER = rsa();

    private final IdTokenHintValidator validator = new IdTokenHintValidator(EntraAuthority.parse(EntraAuthority.GLOBAL),
            Set.of(TENANT.toUpperCase()), APP_ID, Duration.ofMinutes(10), Duration.ofMinutes(1),
            kid -> "entra-kid".equals(kid) ? ENTRA.getPublic() : null, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void anEntraHintIssuedAlreadyExpiredIsAccepted() {
        HintValidation result = validator.validate(sign(header(), claims()));
        HintValidation.Accepted accepted = assertInstanceOf(HintValidation.Accepted.class, result);
        assertEquals(TENANT, accepted.hint().tenantId());
        assertEquals("b2bd7c4c-0b3e-4f1f-9a53-bd7b3d1f6d11", accepted.hint().objectId());
        assertEquals("pairwise-sub", accepted.hint().subject());
    }

    @Test
    void everyBrokenRuleHasItsOwnReason() {
        assertRejected(HintRejection.MISSING, null);
        assertRejected(HintRejection.MISSING, " ");
        assertRejected(HintRejection.MALFORMED, "a.b.c");
        assertRejected(HintRejection.TOO_LARGE, "x".repeat(IdTokenHintValidator.MAX_HINT_LENGTH + 1));
        assertRejected(HintRejection.ALGORITHM_NOT_ALLOWED, unsigned(header("alg", "none"), claims()));
        assertRejected(HintRejection.ALGORITHM_NOT_ALLOWED, sign(header("alg", "HS256"), claims()));
        assertRejected(HintRejection.UNKNOWN_KEY, sign(header("kid", "unknown"), claims()));
        assertRejected(HintRejection.UNKNOWN_KEY, sign(header("kid", "../../etc/passwd"), claims()));
        assertRejected(HintRejection.UNKNOWN_KEY, sign(header("kid", "1' OR '1'='1"), claims()));
        assertRejected(HintRejection.BAD_SIGNATURE, sign(header(), claims(), OTHER));
        assertRejected(HintRejection.ISSUER_INVALID, sign(header(), claims("iss", "https://sts.windows.net/" + TENANT + "/")));
        assertRejected(HintRejection.ISSUER_INVALID, sign(header(), claims("iss", "https://login.microsoftonline.com/" + TENANT + "/v2.0/")));
        assertRejected(HintRejection.ISSUER_INVALID, sign(header(), claims("ver", "1.0")));
        assertRejected(HintRejection.TENANT_MISMATCH, sign(header(), claims("tid", UUID.randomUUID().toString())));
        String stranger = UUID.randomUUID().toString();
        assertRejected(HintRejection.TENANT_NOT_ALLOWED, sign(header(),
                claims("tid", stranger, "iss", "https://login.microsoftonline.com/" + stranger + "/v2.0")));
        assertRejected(HintRejection.AUDIENCE_INVALID, sign(header(), claims("aud", "another-app")));
        assertRejected(HintRejection.AUDIENCE_INVALID, sign(header(), claims("aud", List.of(APP_ID, "another-app"))));
        assertRejected(HintRejection.TOO_OLD, sign(header(), claims("iat", NOW.getEpochSecond() - 11 * 60 - 61)));
        assertRejected(HintRejection.ISSUED_IN_FUTURE, sign(header(), claims("iat", NOW.getEpochSecond() + 120)));
        assertRejected(HintRejection.NOT_YET_VALID, sign(header(), claims("nbf", NOW.getEpochSecond() + 120)));
        assertRejected(HintRejection.CLAIM_MISSING, sign(header(), claims("oid", "not-a-guid")));
        assertRejected(HintRejection.CLAIM_MISSING, sign(header(), claims("iat", "yesterday")));
    }

    @Test
    void headersNamingOtherKeysAreNeverFollowed() {
        Map<String, Object> header = header("jku", "https://evil.example/keys");
        header.put("x5u", "https://evil.example/cert");
        header.put("kid", "attacker");
        assertRejected(HintRejection.UNKNOWN_KEY, sign(header, claims(), OTHER));
    }

    @Test
    void anAuthorityMustBeHttpsOrLoopback() {
        assertEquals("https://login.microsoftonline.us", EntraAuthority.parse("https://login.microsoftonline.us/").baseUrl());
        assertEquals("http://127.0.0.1:9999/common/discovery/v2.0/keys", EntraAuthority.parse("http://127.0.0.1:9999").jwksUrl());
        for (String bad : List.of("http://login.microsoftonline.com", "https://login.microsoftonline.com/tenant", "ftp://x", "https://user@host")) {
            try {
                EntraAuthority.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                // refused with a message
            }
        }
    }

    private void assertRejected(HintRejection reason, String hint) {
        HintValidation result = validator.validate(hint);
        HintValidation.Rejected rejected = assertInstanceOf(HintValidation.Rejected.class, result, "hint was accepted");
        assertEquals(reason, rejected.reason(), rejected.describe());
    }

    private static Map<String, Object> header(Object... pairs) {
        Map<String, Object> header = new LinkedHashMap<>(Map.of("typ", "JWT", "alg", "RS256", "kid", "entra-kid"));
        for (int i = 0; i < pairs.length; i += 2) {
            header.put((String) pairs[i], pairs[i + 1]);
        }
        return header;
    }

    private static Map<String, Object> claims(Object... pairs) {
        long iat = NOW.getEpochSecond() - 30;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", APP_ID);
        claims.put("iss", "https://login.microsoftonline.com/" + TENANT + "/v2.0");
        claims.put("iat", iat);
        claims.put("nbf", iat);
        claims.put("exp", iat - 1);
        claims.put("name", "Alice");
        claims.put("oid", "b2bd7c4c-0b3e-4f1f-9a53-bd7b3d1f6d11");
        claims.put("preferred_username", "alice@contoso.com");
        claims.put("sub", "pairwise-sub");
        claims.put("tid", TENANT);
        claims.put("ver", "2.0");
        for (int i = 0; i < pairs.length; i += 2) {
            claims.put((String) pairs[i], pairs[i + 1]);
        }
        return claims;
    }

    private static String sign(Map<String, Object> header, Map<String, Object> claims) {
        return sign(header, claims, ENTRA);
    }

    private static String sign(Map<String, Object> header, Map<String, Object> claims, KeyPair key) {
        try {
            String input = B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key.getPrivate());
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(Map<String, Object> header, Map<String, Object> claims) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims)) + ".";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
