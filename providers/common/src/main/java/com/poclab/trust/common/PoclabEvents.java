package com.poclab.trust.common;

/** Event detail keys and error codes POCLAB adds to Keycloak's event log. */
public final class PoclabEvents {
    /** Why a flow was refused, in words an admin can act on (no token material). */
    public static final String REASON = "reason";
    public static final String FACTOR = "poclab_factor";
    public static final String ENROLLED = "poclab_enrolled";

    /** The flow ended without a POCLAB factor verified: a misconfigured flow, never a pass. */
    public static final String FACTOR_NOT_VERIFIED = "poclab_factor_not_verified";
    /** The person cancelled on a POCLAB page. */
    public static final String CANCELLED = "poclab_cancelled";

    private PoclabEvents() {
    }
}
