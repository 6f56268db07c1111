package com.poclab.trust.common;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.UserSessionModel;

/**
 * An MFA gate verifies every time: a person's earlier Keycloak session in this browser must
 * neither stand in for this verification nor block the next person on a shared browser
 * (Keycloak refuses "already authenticated as different user" when a session remains).
 */
public final class EarlierSession {

    private EarlierSession() {
    }

    /** Ends the user session this browser still holds in the realm, if any. */
    public static void end(AuthenticationFlowContext context) {
        UserSessionModel earlier = context.getSession().sessions()
                .getUserSession(context.getRealm(), context.getAuthenticationSession().getParentSession().getId());
        if (earlier != null) {
            context.getSession().sessions().removeUserSession(context.getRealm(), earlier);
        }
    }
}
