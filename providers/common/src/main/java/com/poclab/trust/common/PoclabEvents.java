package com.poclab.trust.common;

import org.keycloak.events.EventBuilder;
import org.keycloak.sessions.AuthenticationSessionModel;

/** Event detail keys and error codes POCLAB adds to Keycloak's event log. */
public final class PoclabEvents {

    /**
     * Client-note prefix of details every later event of the flow carries (each HTTP request
     * of a flow has a new event builder): client-request-id, tid, oid.
     */
    private static final String FLOW_DETAIL_PREFIX = "poclab.event.";
    /** Why a flow was refused, in words an admin can act on (no token material). */
    public static final String REASON = "reason";
    public static final String FACTOR = "poclab_factor";
    public static final String ENROLLED = "poclab_enrolled";
    /** "used" on every event of a flow in which the person used a recovery code. */
    public static final String RECOVERY_CODE = "poclab_recovery_code";

    /** The flow ended without a POCLAB factor verified: a misconfigured flow, never a pass. */
    public static final String FACTOR_NOT_VERIFIED = "poclab_factor_not_verified";
    /** A recovery code was used in a realm without {@link NewFactorRequiredAction}: refused. */
    public static final String RECOVERY_NOT_CONFIGURED = "poclab_recovery_not_configured";
    /** The new-factor step found no factor enrolled in this flow: refused, nothing removed. */
    public static final String NO_NEW_FACTOR = "poclab_no_new_factor";
    /** The person holds no factor and the enrollment policy allows enrolling only through an enrollment link. */
    public static final String FACTOR_NOT_ENROLLED = "poclab_factor_not_enrolled";
    /** The person cancelled on a POCLAB page. */
    public static final String CANCELLED = "poclab_cancelled";

    private PoclabEvents() {
    }

    /** Adds a detail to {@code event} now and to every later event of this flow. */
    public static void flowDetail(AuthenticationSessionModel authSession, EventBuilder event, String key, String value) {
        if (value != null) {
            authSession.setClientNote(FLOW_DETAIL_PREFIX + key, value);
            event.detail(key, value);
        }
    }

    /** Adds the flow's details (see {@link #flowDetail}) to an event of a later request. */
    public static EventBuilder withFlowDetails(AuthenticationSessionModel authSession, EventBuilder event) {
        authSession.getClientNotes().forEach((note, value) -> {
            if (note.startsWith(FLOW_DETAIL_PREFIX)) {
                event.detail(note.substring(FLOW_DETAIL_PREFIX.length()), value);
            }
        });
        return event;
    }
}
