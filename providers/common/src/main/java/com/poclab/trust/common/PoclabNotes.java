package com.poclab.trust.common;

/**
 * Authentication-session client notes written by POCLAB authenticators. Keycloak copies
 * client notes into the client session, where the token mappers read them.
 */
public final class PoclabNotes {
    /** The {@code amr} value of the factor verified (or enrolled) in this flow. */
    public static final String FACTOR_AMR = "poclab.factor.amr";
    /** "true" when the factor was enrolled in this flow (through a Keycloak required action). */
    public static final String FACTOR_ENROLLED = "poclab.factor.enrolled";

    private PoclabNotes() {
    }
}
