package com.poclab.trust.common;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.LoginProtocol;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Ends a flow by answering the client in protocol form: OIDC {@code error=access_denied}
 * (with {@code state}, in the request's response mode: a form POST for Entra, a redirect
 * for Okta) at its registered redirect_uri. The same thing Keycloak's
 * {@code AuthenticationFlowContext.cancelLogin()} does, but with our event error and reason.
 */
public final class ProtocolDenial {

    private ProtocolDenial() {
    }

    /** Records {@code error} with {@code reason} on the flow's event, then denies. */
    public static void deny(AuthenticationFlowContext context, String error, String reason, String description) {
        EventBuilder event = context.getEvent().detail(PoclabEvents.REASON, reason);
        event.error(error);
        Response response = denyResponse(context.getSession(), context.getAuthenticationSession(), event, description);
        context.forceChallenge(response);
    }

    /** The protocol's access_denied answer for {@code authSession}; the event must already be recorded. */
    public static Response denyResponse(KeycloakSession session, AuthenticationSessionModel authSession,
                                        EventBuilder event, String description) {
        LoginProtocol protocol = session.getProvider(LoginProtocol.class, authSession.getProtocol());
        protocol.setRealm(authSession.getRealm())
                .setHttpHeaders(session.getContext().getRequestHeaders())
                .setUriInfo(session.getContext().getUri())
                .setEventBuilder(event);
        return protocol.sendError(authSession, LoginProtocol.Error.CONSENT_DENIED, description);
    }
}
