package com.poclab.trust.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EnrollmentPolicyTest {

    @Test
    void eachValueParsesToItsPolicyWhateverTheCaseAndSpaces() {
        assertEquals(EnrollmentPolicy.FIRST_USE, EnrollmentPolicy.parse("first-use", EnrollmentPolicy.PRE_PROVISIONED));
        assertEquals(EnrollmentPolicy.PRE_PROVISIONED, EnrollmentPolicy.parse(" Pre-Provisioned ", EnrollmentPolicy.FIRST_USE));
        assertEquals(EnrollmentPolicy.ENROLLMENT_LINK, EnrollmentPolicy.parse("ENROLLMENT-LINK", EnrollmentPolicy.FIRST_USE));
    }

    @Test
    void noValueIsTheDefaultAndAnUnknownValueIsTheStrictestPolicy() {
        assertEquals(EnrollmentPolicy.FIRST_USE, EnrollmentPolicy.parse(null, EnrollmentPolicy.FIRST_USE));
        assertEquals(EnrollmentPolicy.FIRST_USE, EnrollmentPolicy.parse("  ", EnrollmentPolicy.FIRST_USE));
        assertEquals(EnrollmentPolicy.ENROLLMENT_LINK, EnrollmentPolicy.parse("enrolment-link", EnrollmentPolicy.FIRST_USE));
        assertEquals(EnrollmentPolicy.ENROLLMENT_LINK, EnrollmentPolicy.parse("open", EnrollmentPolicy.FIRST_USE));
    }

    @Test
    void onlyEnrollmentLinkRefusesEnrollmentAtSignIn() {
        assertTrue(EnrollmentPolicy.FIRST_USE.enrollsAtSignIn());
        assertTrue(EnrollmentPolicy.PRE_PROVISIONED.enrollsAtSignIn());
        assertFalse(EnrollmentPolicy.ENROLLMENT_LINK.enrollsAtSignIn());
    }
}
