package com.poclab.trust.okta;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCClientSecretConfigWrapper;

/**
 * What the integrations page does to the Okta realm: store the Okta org and point the
 * {@value OktaConstants#CLIENT_ID} client at exactly its callbacks, and (re)generate the
 * client secret Okta authenticates with. The caller checks that the admin may manage the
 * realm and records the admin event; both methods run in the caller's transaction.
 */
public final class OktaIntegration {

    private OktaIntegration() {
    }

    /**
     * Stores the Okta org URL and custom domains in the {@value OktaConstants#SETTINGS_ALIAS}
     * authenticator config and sets the client's redirect URIs to exactly
     * {@link OktaOrg#redirectUris()}: any other URI stops receiving codes at once.
     *
     * @param orgUrl        e.g. {@code https://acme.okta.com} (https, host only, no trailing slash)
     * @param customDomains optional, {@code https://login.acme.com} each, separated by commas, spaces or new lines
     * @return the org as stored (canonical form)
     * @throws IllegalArgumentException when a URL is invalid, with a message the admin can act on; nothing is changed
     * @throws IllegalStateException    when the realm was not created from okta-realm.json
     */
    public static OktaOrg configureOrg(KeycloakSession session, RealmModel realm, String orgUrl, String customDomains) {
        OktaOrg org = OktaOrg.parse(orgUrl, customDomains);
        AuthenticatorConfigModel settings = settings(realm);
        ClientModel client = client(session, realm);

        Map<String, String> config = new HashMap<>(settings.getConfig() == null ? Map.of() : settings.getConfig());
        config.put(OktaConstants.CONFIG_ORG_URL, org.orgUrl());
        config.put(OktaConstants.CONFIG_CUSTOM_DOMAINS, String.join(Constants.CFG_DELIMITER, org.customDomains()));
        settings.setConfig(config);
        realm.updateAuthenticatorConfig(settings);

        client.setRedirectUris(Set.copyOf(org.redirectUris()));
        return org;
    }

    /**
     * Replaces the client secret with a new random one (Keycloak's own generator, HS512-level
     * entropy) and drops any rotated secret a client policy kept, so the old secret is refused
     * from the next request on. Show the returned secret once; it is not shown again.
     *
     * @throws IllegalStateException when the realm was not created from okta-realm.json
     */
    public static String regenerateSecret(KeycloakSession session, RealmModel realm) {
        ClientModel client = client(session, realm);
        String secret = KeycloakModelUtils.generateSecret(client);
        OIDCClientSecretConfigWrapper.fromClientModel(client).removeClientSecretRotationInfo();
        return secret;
    }

    /** The Okta org currently configured, or null when none is. */
    public static OktaOrg configuredOrg(RealmModel realm) {
        Map<String, String> config = settings(realm).getConfig();
        String orgUrl = config == null ? null : config.get(OktaConstants.CONFIG_ORG_URL);
        if (orgUrl == null || orgUrl.isBlank()) {
            return null;
        }
        return OktaOrg.parse(orgUrl, config.get(OktaConstants.CONFIG_CUSTOM_DOMAINS));
    }

    private static AuthenticatorConfigModel settings(RealmModel realm) {
        AuthenticatorConfigModel settings = realm.getAuthenticatorConfigByAlias(OktaConstants.SETTINGS_ALIAS);
        if (settings == null) {
            throw new IllegalStateException("Realm " + realm.getName() + " has no authenticator config "
                    + OktaConstants.SETTINGS_ALIAS + ": create it from realm-export/okta-realm.json");
        }
        return settings;
    }

    private static ClientModel client(KeycloakSession session, RealmModel realm) {
        ClientModel client = session.clients().getClientByClientId(realm, OktaConstants.CLIENT_ID);
        if (client == null) {
            throw new IllegalStateException("Realm " + realm.getName() + " has no client " + OktaConstants.CLIENT_ID
                    + ": create it from realm-export/okta-realm.json");
        }
        return client;
    }
}
