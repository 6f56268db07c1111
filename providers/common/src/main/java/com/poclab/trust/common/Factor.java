package com.poclab.trust.common;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.keycloak.authentication.authenticators.browser.OTPFormAuthenticatorFactory;
import org.keycloak.authentication.authenticators.browser.WebAuthnAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The second factors POCLAB owns, each one of Keycloak's own authenticators, and the
 * RFC 8176 {@code amr} value that names it (Entra EAM contract section 4): exactly the
 * authenticators the factor sub-flows ask. Keycloak's passwordless WebAuthn type
 * ({@code webauthn-passwordless}) is none: no POCLAB flow verifies it, so a person holding only
 * such a key holds no factor.
 */
public enum Factor {
    OTP("otp", OTPFormAuthenticatorFactory.PROVIDER_ID, OTPCredentialModel.TYPE),
    SECURITY_KEY("fido", WebAuthnAuthenticatorFactory.PROVIDER_ID, WebAuthnCredentialModel.TYPE_TWOFACTOR);

    private final String amr;
    private final String authenticatorId;
    private final String credentialType;

    Factor(String amr, String authenticatorId, String credentialType) {
        this.amr = amr;
        this.authenticatorId = authenticatorId;
        this.credentialType = credentialType;
    }

    public String amr() {
        return amr;
    }

    public String authenticatorId() {
        return authenticatorId;
    }

    /** The factor whose execution succeeded in this authentication session (never an earlier one). */
    public static Optional<Factor> verifiedIn(AuthenticationSessionModel authSession, RealmModel realm) {
        return authSession.getExecutionStatus().entrySet().stream()
                .filter(e -> e.getValue() == AuthenticationSessionModel.ExecutionStatus.SUCCESS)
                .map(Map.Entry::getKey)
                .map(realm::getAuthenticationExecutionById)
                .filter(execution -> execution != null && !execution.isAuthenticatorFlow())
                .map(AuthenticationExecutionModel::getAuthenticator)
                .flatMap(id -> Stream.of(values()).filter(f -> f.authenticatorId.equals(id)))
                .findFirst();
    }

    public String credentialType() {
        return credentialType;
    }

    /** Whether the person holds a credential for any POCLAB factor. */
    public static boolean anyConfiguredFor(UserModel user) {
        return Stream.of(values()).anyMatch(f -> user.credentialManager().isConfiguredFor(f.credentialType));
    }
}
