package com.poclab.trust.eam.account;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Last alternative of realm eam's browser flow, reached only when Keycloak's Identity Provider
 * Redirector did not send the person to Entra (no {@code entra} provider, or a disabled one): a
 * clear page instead of Keycloak's "invalid username or password", and a LOGIN_ERROR with the
 * reason. The account console then stays closed to POCLAB people: realm eam has no other way in.
 */
public class EntraAccountUnavailableAuthenticator implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        IdentityProviderModel entra = context.getSession().identityProviders().getByAlias(EntraAccountConstants.IDP_ALIAS);
        String reason = entra == null
                ? "Account console sign-in goes through the identity provider '" + EntraAccountConstants.IDP_ALIAS + "', which is not configured"
                : entra.isEnabled()
                ? "The sign-in was not sent to the identity provider '" + EntraAccountConstants.IDP_ALIAS + "' (kc_idp_hint?)"
                : "Account console sign-in goes through the identity provider '" + EntraAccountConstants.IDP_ALIAS + "', which is disabled";
        EntraAccountRefusal.refuse(context, null, EntraAccountConstants.ERROR_NOT_CONFIGURED, reason,
                Response.Status.FORBIDDEN, EntraAccountConstants.MSG_NOT_CONFIGURED);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
