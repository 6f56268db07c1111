package com.poclab.trust.integrations.access;

import java.util.List;
import java.util.Map;

import com.poclab.trust.integrations.IntegrationsConstants;
import org.keycloak.Config;
import org.keycloak.models.ClientModel;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.managers.ClientManager;

/**
 * The master-realm client an admin signs in through: Keycloak's own login sends the browser
 * back to the page, whose KEYCLOAK_IDENTITY cookie then identifies the admin. Its login
 * theme is poclab, which also renders the page itself.
 */
public final class SignInClient {

    /** Relative to the client's root URL {@code ${authBaseUrl}}, so it follows Keycloak's hostname. */
    public static String pagePath() {
        return "/realms/" + Config.getAdminRealm() + "/" + IntegrationsConstants.PROVIDER_ID + "/";
    }

    private SignInClient() {
    }

    public static void ensure(KeycloakSession session) {
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        if (master == null || master.getClientByClientId(IntegrationsConstants.SIGN_IN_CLIENT_ID) != null) {
            return;
        }
        ClientRepresentation rep = new ClientRepresentation();
        rep.setClientId(IntegrationsConstants.SIGN_IN_CLIENT_ID);
        rep.setName("POCLAB Trust integrations page");
        rep.setDescription("Admins sign in here to set up Entra ID and Okta (created by the poclab-integrations extension)");
        rep.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        rep.setPublicClient(true);
        rep.setStandardFlowEnabled(true);
        rep.setImplicitFlowEnabled(false);
        rep.setDirectAccessGrantsEnabled(false);
        rep.setFullScopeAllowed(false);
        rep.setRootUrl("${authBaseUrl}");
        rep.setBaseUrl(pagePath());
        rep.setRedirectUris(List.of(pagePath() + "*"));
        rep.setWebOrigins(List.of());
        rep.setAttributes(Map.of("login_theme", "poclab", "post.logout.redirect.uris", pagePath() + "*"));
        ClientManager.createClient(session, master, rep);
    }

    public static ClientModel of(RealmModel master) {
        return master.getClientByClientId(IntegrationsConstants.SIGN_IN_CLIENT_ID);
    }
}
