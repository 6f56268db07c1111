package com.poclab.trust.common.cancel;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import com.poclab.trust.common.PoclabEvents;
import com.poclab.trust.common.ProtocolDenial;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * {@code POST /realms/{realm}/poclab/cancel?client_id=..&tab_id=..}: the Cancel button of
 * every POCLAB verification page (factor, enrollment). Keycloak's OTP and WebAuthn pages
 * have no cancel of their own; this answers the client with {@code error=access_denied}
 * the way Keycloak's own cancelLogin() does, so Entra and Okta get their protocol error.
 */
public class VerificationCancelResource {

    private final KeycloakSession session;

    public VerificationCancelResource(KeycloakSession session) {
        this.session = session;
    }

    @POST
    @Path("cancel")
    public Response cancel(@QueryParam("client_id") String clientId, @QueryParam("tab_id") String tabId) {
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        AuthenticationSessionModel authSession = client == null || tabId == null ? null
                : new AuthenticationSessionManager(session).getCurrentAuthenticationSession(realm, client, tabId);
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.LOGIN_ERROR);
        if (authSession == null) {
            // Nothing to end: no verification of this client and tab in this browser (no cookie, a guessed tab_id, expired).
            event.client(clientId).detail(PoclabEvents.REASON, "Cancel with no verification in progress in this browser for this client_id and tab_id")
                    .error(Errors.SESSION_EXPIRED);
            return ErrorPage.error(session, null, Response.Status.BAD_REQUEST, Messages.EXPIRED_ACTION);
        }
        event.detail(PoclabEvents.REASON, "The person cancelled POCLAB verification");
        session.getContext().setClient(client);
        session.getContext().setAuthenticationSession(authSession);
        PoclabEvents.withFlowDetails(authSession, event.client(client));
        if (authSession.getAuthenticatedUser() != null) {
            event.user(authSession.getAuthenticatedUser());
        }
        event.error(PoclabEvents.CANCELLED);
        return ProtocolDenial.denyResponse(session, authSession, event, "The person cancelled POCLAB verification");
    }
}
