package com.poclab.trust.common;

import java.util.Locale;

import org.keycloak.sessions.AuthenticationSessionModel;

/** Who may become a POCLAB person the first time they arrive, and whether they may enroll at sign-in. */
public enum EnrollmentPolicy {
    /** Create the person on first arrival and have them enroll a factor right away. */
    FIRST_USE("first-use"),
    /** Only people an admin created or invited; everyone else is refused. */
    PRE_PROVISIONED("pre-provisioned"),
    /**
     * Only people an admin created, and a person who holds no factor is refused at sign-in:
     * they enroll through an enrollment link first (nobody can enroll by naming them).
     */
    ENROLLMENT_LINK("enrollment-link");

    public static final String CONFIG_KEY = "enrollment.policy";
    /** Auth note: the policy of this flow, recorded by its first step for {@link FactorGateAuthenticator}. */
    static final String NOTE = "poclab.enrollment.policy";

    private final String value;

    EnrollmentPolicy(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** May a person who holds no factor yet enroll one during a sign-in? */
    public boolean enrollsAtSignIn() {
        return this != ENROLLMENT_LINK;
    }

    /** Records the policy of this flow (the flow's first step holds the realm's settings). */
    public void recordIn(AuthenticationSessionModel authSession) {
        authSession.setAuthNote(NOTE, value);
    }

    /**
     * The policy recorded in this flow. Both shipped flows record it in their first step; a flow
     * whose first step recorded none (an admin's own flow) gets the strictest policy.
     */
    public static EnrollmentPolicy recordedIn(AuthenticationSessionModel authSession) {
        return parse(authSession.getAuthNote(NOTE), ENROLLMENT_LINK);
    }

    /** Parses a configured value; an unknown value falls back to the strictest policy. */
    public static EnrollmentPolicy parse(String configured, EnrollmentPolicy defaultPolicy) {
        if (configured == null || configured.isBlank()) {
            return defaultPolicy;
        }
        String v = configured.trim().toLowerCase(Locale.ROOT);
        for (EnrollmentPolicy p : values()) {
            if (p.value.equals(v)) {
                return p;
            }
        }
        return ENROLLMENT_LINK;
    }
}
