package com.poclab.trust.common.enrollment;

import java.util.Locale;
import java.util.Optional;

import org.keycloak.models.UserModel;

/** What an enrollment link lets the person set up, as one of Keycloak's own required actions. */
public enum EnrollmentFactor {
    /** An authenticator app: Keycloak's TOTP setup, which itself asks for recovery codes ({@code add-recovery-codes}). */
    OTP("otp", UserModel.RequiredAction.CONFIGURE_TOTP.name(), true),
    /** A passkey or security key as second factor: Keycloak's WebAuthn registration (the flow's webauthn-authenticator). */
    PASSKEY("passkey", "webauthn-register", false);

    private final String value;
    private final String requiredAction;
    private final boolean setupOffersRecoveryCodes;

    EnrollmentFactor(String value, String requiredAction, boolean setupOffersRecoveryCodes) {
        this.value = value;
        this.requiredAction = requiredAction;
        this.setupOffersRecoveryCodes = setupOffersRecoveryCodes;
    }

    /** The name used in the endpoint's {@code factor} parameter and in the token. */
    public String value() {
        return value;
    }

    public String requiredAction() {
        return requiredAction;
    }

    /**
     * True when Keycloak's setup of this factor already leads to its recovery codes page
     * (CONFIGURE_TOTP's {@code add-recovery-codes}); WebAuthn registration has no such option.
     */
    public boolean setupOffersRecoveryCodes() {
        return setupOffersRecoveryCodes;
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
