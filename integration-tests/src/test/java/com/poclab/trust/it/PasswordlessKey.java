package com.poclab.trust.it;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.keycloak.representations.idm.CredentialRepresentation;

/**
 * A key of Keycloak's passwordless WebAuthn type ({@code webauthn-passwordless}), as an admin
 * imports it with a person (the credential representation of {@code POST /admin/realms/{realm}/users}):
 * what a person would hold after registering a passkey through Keycloak's
 * {@code webauthn-register-passwordless}, a type no POCLAB flow asks. Stored as Keycloak stores a
 * registered key: an ES256 public key in COSE form, a random credential ID, "none" attestation.
 */
final class PasswordlessKey {

    static final String TYPE = "webauthn-passwordless";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordlessKey() {
    }

    static CredentialRepresentation credential(String label) {
        byte[] credentialId = new byte[32];
        RANDOM.nextBytes(credentialId);
        Map<String, Object> data = Map.of(
                "aaguid", "00000000-0000-0000-0000-000000000000",
                "credentialId", Base64.getEncoder().encodeToString(credentialId),
                "counter", 0,
                "credentialPublicKey", Base64.getEncoder().encodeToString(coseEs256PublicKey()),
                "attestationStatementFormat", "none",
                "transports", List.of("internal", "hybrid"));
        CredentialRepresentation key = new CredentialRepresentation();
        key.setType(TYPE);
        key.setUserLabel(label);
        key.setSecretData("{}");
        try {
            key.setCredentialData(JSON.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return key;
    }

    /** RFC 9053 EC2 key, P-256, ES256: {1: 2, 3: -7, -1: 1, -2: x, -3: y} in CBOR. */
    private static byte[] coseEs256PublicKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
            ByteArrayOutputStream cose = new ByteArrayOutputStream();
            cose.writeBytes(new byte[] {(byte) 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20});
            cose.writeBytes(coordinate(key.getW().getAffineX()));
            cose.writeBytes(new byte[] {0x22, 0x58, 0x20});
            cose.writeBytes(coordinate(key.getW().getAffineY()));
            return cose.toByteArray();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }
}
