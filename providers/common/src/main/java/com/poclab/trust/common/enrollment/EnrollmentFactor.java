package com.poclab.trust.common.enrollment;

import java.util.Locale;
import java.util.Optional;

import org.keycloak.models.UserModel;

/** What an enrollment link lets the person set up, as one of Keycloak's own required actions. */
public enum EnrollmentFactor {
    /** An authenticator app: Keycloak's TOTP setup. */
    OTP("otp", UserModel.RequiredAction.CONFIGURE_TOTP.name()),
    /** A passkey or security key as second factor: Keycloak's WebAuthn registration (the flow's webauthn-authenticator). */
    PASSKEY("passkey", "webauthn-register");

    private final String value;
    private final String requiredAction;

    EnrollmentFactor(String value, String requiredAction) {
        this.value = value;
        this.requiredAction = requiredAction;
    }

    /** The name used in the endpoint's {@code factor} parameter and in the token. */
    public String value() {
        return value;
    }

    public String requiredAction() {
        return requiredAction;
    }

    /** {@code null} or empty means {@link #OTP}; an unknown name is empty. */
    public static Optional<EnrollmentFactor> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(OTP);
        }
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (EnrollmentFactor factor : values()) {
            if (factor.value.equals(wanted)) {
                return Optional.of(factor);
            }
        }
        return Optional.empty();
    }
}
