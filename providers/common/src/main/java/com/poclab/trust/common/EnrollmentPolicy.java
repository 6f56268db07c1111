package com.poclab.trust.common;

import java.util.Locale;

/** Who may become a POCLAB person the first time they arrive. */
public enum EnrollmentPolicy {
    /** Create the person on first arrival and have them enroll a factor right away. */
    FIRST_USE("first-use"),
    /** Only people an admin created or invited; everyone else is refused. */
    PRE_PROVISIONED("pre-provisioned");

    public static final String CONFIG_KEY = "enrollment.policy";

    private final String value;

    EnrollmentPolicy(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** Parses a configured value; an unknown value falls back to the stricter policy. */
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
        return PRE_PROVISIONED;
    }
}
