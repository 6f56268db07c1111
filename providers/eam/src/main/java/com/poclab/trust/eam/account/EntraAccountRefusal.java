package com.poclab.trust.eam.account;

import jakarta.ws.rs.core.Response;

import com.poclab.trust.common.PoclabEvents;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.EventType;
import org.keycloak.models.UserModel;

/**
 * Ends an account console sign-in with Keycloak's error page and a LOGIN_ERROR event whose
 * {@code reason} says why. Not a failure Keycloak's brute-force detection counts: nothing was
 * guessed (Entra had already signed the person in).
 */
final class EntraAccountRefusal {

    private EntraAccountRefusal() {
    }

    static void refuse(AuthenticationFlowContext context, UserModel user, String error, String reason,
                       Response.Status status, String message, Object... parameters) {
        context.getEvent().event(EventType.LOGIN).user(user).detail(PoclabEvents.REASON, reason).error(error);
        context.forceChallenge(context.form().setError(message, parameters).createErrorPage(status));
    }
}
