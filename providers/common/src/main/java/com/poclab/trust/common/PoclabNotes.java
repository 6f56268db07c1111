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

    /**
     * Auth note: IDs of the factor credentials the person held when they used a recovery code,
     * removed once the new factor is enrolled ({@link NewFactorRequiredAction}).
     */
    public static final String FACTORS_TO_REPLACE = "poclab.factors.to-replace";

    private PoclabNotes() {
    }
}
