package com.poclab.trust.eam.hint;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;

/**
 * Validates Entra's {@code id_token_hint} by every rule of the EAM contract, section 2:
 * RS256 signature by a key Entra publishes (selected by {@code kid}; {@code jku}, {@code x5u}
 * and {@code jwk} headers are never followed), v2.0 issuer of the configured authority with
 * a tenant on the allow-list, {@code tid} equal to the issuer's tenant, {@code aud} equal to
 * the App ID, and age bounded by {@code iat}/{@code nbf}. Entra issues the hint already
 * expired, so {@code exp} is deliberately not checked.
 */
public final class IdTokenHintValidator {

    /** Real hints are 1.5-2.5 KB; anything past this is not Entra's. */
    public static final int MAX_HINT_LENGTH = 16 * 1024;

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern SAFE_KID = Pattern.compile("[A-Za-z0-9._~+/=-]{1,128}");
    private static final String RS256 = "RS256";

    /** Entra's published signing keys, by {@code kid}. */
    @FunctionalInterface
    public interface SigningKeys {
        /** The key with this kid, or null when Entra does not publish it. */
        PublicKey forKid(String kid);
    }

    private final EntraAuthority authority;
    private final Set<String> allowedTenants;
    private final String appId;
    private final Duration maxAge;
    private final Duration clockSkew;
    private final SigningKeys keys;
    private final Clock clock;

    public IdTokenHintValidator(EntraAuthority authority, Set<String> allowedTenants, String appId,
                                Duration maxAge, Duration clockSkew, SigningKeys keys, Clock clock) {
        this.authority = authority;
        this.allowedTenants = allowedTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        this.appId = appId;
        this.maxAge = maxAge;
        this.clockSkew = clockSkew;
        this.keys = keys;
        this.clock = clock;
    }

    public static boolean isGuid(String value) {
        return value != null && GUID.matcher(value).matches();
    }

    public HintValidation validate(String hint) {
        if (hint == null || hint.isBlank()) {
            return reject(HintRejection.MISSING, null);
        }
        if (hint.length() > MAX_HINT_LENGTH) {
            return reject(HintRejection.TOO_LARGE, hint.length() + " characters");
        }
        JWSInput jws;
        Map<String, Object> claims;
        try {
            jws = new JWSInput(hint.trim());
            claims = jws.readJsonContent(new TypeReference<Map<String, Object>>() { });
        } catch (JWSInputException | RuntimeException e) {
            return reject(HintRejection.MALFORMED, null);
        }
        if (claims == null || jws.getHeader() == null) {
            return reject(HintRejection.MALFORMED, null);
        }
        // getRawAlgorithm() throws when the header has no alg (found by IdTokenHintValidatorFuzzTest).
        String alg = jws.getHeader().getAlgorithm() == null ? null : jws.getHeader().getAlgorithm().name();
        if (!RS256.equals(alg)) {
            return reject(HintRejection.ALGORITHM_NOT_ALLOWED, "alg " + printable(alg));
        }
        if (jws.getSignature() == null || jws.getSignature().length == 0) {
            return reject(HintRejection.MALFORMED, "no signature");
        }
        String kid = jws.getHeader().getKeyId();
        if (kid == null || !SAFE_KID.matcher(kid).matches()) {
            return reject(HintRejection.UNKNOWN_KEY, "kid " + printable(kid));
        }
        PublicKey key = keys.forKid(kid);
        if (!(key instanceof RSAPublicKey)) {
            return reject(HintRejection.UNKNOWN_KEY, "kid " + kid);
        }
        if (!verifies(jws, key)) {
            return reject(HintRejection.BAD_SIGNATURE, "kid " + kid);
        }

        String tid = string(claims, "tid");
        String iss = string(claims, "iss");
        if (!isGuid(tid)) {
            return reject(HintRejection.CLAIM_MISSING, "tid");
        }
        String issuerTenant = issuerTenant(iss);
        if (issuerTenant == null || !"2.0".equals(claims.getOrDefault("ver", "2.0"))) {
            return reject(HintRejection.ISSUER_INVALID, "iss " + printable(iss));
        }
        if (!issuerTenant.equalsIgnoreCase(tid)) {
            return reject(HintRejection.TENANT_MISMATCH, "tid " + tid);
        }
        if (!allowedTenants.contains(tid.toLowerCase(Locale.ROOT))) {
            return reject(HintRejection.TENANT_NOT_ALLOWED, allowedTenants.isEmpty() ? "no tenant is configured" : "tid " + tid);
        }
        if (!audienceIsAppId(claims.get("aud"))) {
            return reject(HintRejection.AUDIENCE_INVALID, "aud " + printable(String.valueOf(claims.get("aud"))));
        }

        Long iat = number(claims, "iat");
        if (iat == null) {
            return reject(HintRejection.CLAIM_MISSING, "iat");
        }
        long now = clock.instant().getEpochSecond();
        long skew = clockSkew.getSeconds();
        if (iat > now + skew) {
            return reject(HintRejection.ISSUED_IN_FUTURE, "iat " + iat);
        }
        if (iat < now - maxAge.getSeconds() - skew) { // not now - iat: that overflows for a far-past iat
            return reject(HintRejection.TOO_OLD, "iat " + iat);
        }
        Long nbf = number(claims, "nbf");
        if (claims.containsKey("nbf") && nbf == null) {
            return reject(HintRejection.MALFORMED, "nbf");
        }
        if (nbf != null && nbf > now + skew) {
            return reject(HintRejection.NOT_YET_VALID, "nbf " + nbf);
        }

        String oid = string(claims, "oid");
        String sub = string(claims, "sub");
        if (!isGuid(oid)) {
            return reject(HintRejection.CLAIM_MISSING, "oid");
        }
        if (sub == null || sub.isBlank() || sub.length() > 255) {
            return reject(HintRejection.CLAIM_MISSING, "sub");
        }
        return new HintValidation.Accepted(new EntraHint(tid.toLowerCase(Locale.ROOT), oid.toLowerCase(Locale.ROOT), sub,
                string(claims, "preferred_username"), string(claims, "name"), string(claims, "upn"),
                string(claims, "email"), string(claims, "given_name"), string(claims, "family_name"), iat));
    }

    private static boolean verifies(JWSInput jws, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(jws.getEncodedSignatureInput().getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(jws.getSignature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The tenant GUID of a v2.0 issuer of this authority, or null. */
    private String issuerTenant(String iss) {
        String prefix = authority.baseUrl() + "/";
        String suffix = "/v2.0";
        if (iss == null || !iss.startsWith(prefix) || !iss.endsWith(suffix)) {
            return null;
        }
        String tenant = iss.substring(prefix.length(), iss.length() - suffix.length());
        return isGuid(tenant) ? tenant : null;
    }

    private boolean audienceIsAppId(Object aud) {
        if (aud instanceof String s) {
            return s.equals(appId);
        }
        return aud instanceof List<?> list && list.size() == 1 && appId.equals(list.get(0));
    }

    private static String string(Map<String, Object> claims, String name) {
        return claims.get(name) instanceof String s ? s : null;
    }

    /** A NumericDate that fits a long; longValue() would wrap a larger integer into range. */
    private static Long number(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < Long.SIZE ? big.longValue() : null;
        }
        if (value instanceof Double d) {
            return Double.isFinite(d) && Math.abs(d) < 1e15 ? d.longValue() : null;
        }
        return null;
    }

    /** A header or claim value made safe for the event log: short, printable ASCII. */
    private static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        String cleaned = value.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() > 80 ? cleaned.substring(0, 80) + "..." : cleaned;
    }

    private static HintValidation reject(HintRejection reason, String detail) {
        return new HintValidation.Rejected(reason, detail);
    }
}
