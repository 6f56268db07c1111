package com.poclab.trust.common.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class EnrollmentFactorTest {

    @Test
    void theEndpointsFactorNamesMapToKeycloaksRequiredActions() {
        assertEquals(Optional.of(EnrollmentFactor.OTP), EnrollmentFactor.parse(null));
        assertEquals(Optional.of(EnrollmentFactor.OTP), EnrollmentFactor.parse(" "));
        assertEquals(Optional.of(EnrollmentFactor.OTP), EnrollmentFactor.parse("OTP"));
        assertEquals(Optional.of(EnrollmentFactor.PASSKEY), EnrollmentFactor.parse("passkey"));
        assertEquals("CONFIGURE_TOTP", EnrollmentFactor.OTP.requiredAction());
        assertEquals("webauthn-register", EnrollmentFactor.PASSKEY.requiredAction());
    }

    @Test
    void onlyThePasskeyLinkAddsRecoveryCodesItselfTotpSetupShowsThem() {
        assertTrue(EnrollmentFactor.OTP.setupOffersRecoveryCodes());
        assertFalse(EnrollmentFactor.PASSKEY.setupOffersRecoveryCodes());
    }

    @Test
    void anUnknownFactorIsRefusedNotDefaulted() {
        assertTrue(EnrollmentFactor.parse("sms").isEmpty());
        assertTrue(EnrollmentFactor.parse("webauthn-register-passwordless").isEmpty());
    }
}
