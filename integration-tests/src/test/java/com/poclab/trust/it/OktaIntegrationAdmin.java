package com.poclab.trust.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.poclab.trust.okta.OktaConstants;
import com.poclab.trust.okta.OktaOrg;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;

/**
 * Sets, through Keycloak's admin REST API, exactly the state {@code OktaIntegration}
 * (providers/okta) sets in-process for the integrations page: the org in the
 * {@value OktaConstants#SETTINGS_ALIAS} authenticator config, the client's redirect URIs =
 * {@link OktaOrg#redirectUris()}, and a regenerated secret. Keep the two in step until the
 * integrations page gives the tests a way to call OktaIntegration itself.
 */
final class OktaIntegrationAdmin {

    private final RealmResource realm;

    OktaIntegrationAdmin(RealmResource realm) {
        this.realm = realm;
    }

    /** The enrollment policy of realm okta ({@code enrollment.policy} of {@code poclab-okta-person}'s config); null removes it. */
    void setPolicy(String policy) {
        String configId = realm.flows().getExecutions("poclab okta").stream()
                .filter(e -> "poclab-okta-person".equals(e.getProviderId()))
                .map(AuthenticationExecutionInfoRepresentation::getAuthenticationConfig).findFirst().orElseThrow();
        AuthenticatorConfigRepresentation settings = realm.flows().getAuthenticatorConfig(configId);
        Map<String, String> config = new HashMap<>(settings.getConfig());
        if (policy == null) {
            config.remove("enrollment.policy");
        } else {
            config.put("enrollment.policy", policy);
        }
        settings.setConfig(config);
        realm.flows().updateAuthenticatorConfig(settings.getId(), settings);
    }

    /** Mirrors {@code OktaIntegration.configureOrg(session, realm, orgUrl, customDomains)}. */
    OktaOrg configureOrg(String orgUrl, String customDomains) {
        OktaOrg org = OktaOrg.parse(orgUrl, customDomains);
        AuthenticatorConfigRepresentation settings = settings();
        Map<String, String> config = new HashMap<>(settings.getConfig());
        config.put(OktaConstants.CONFIG_ORG_URL, org.orgUrl());
        config.put(OktaConstants.CONFIG_CUSTOM_DOMAINS, String.join("##", org.customDomains()));
        settings.setConfig(config);
        realm.flows().updateAuthenticatorConfig(settings.getId(), settings);

        ClientRepresentation client = client().toRepresentation();
        client.setRedirectUris(List.copyOf(org.redirectUris()));
        client().update(client);
        return org;
    }

    /** Mirrors {@code OktaIntegration.regenerateSecret(session, realm)}. */
    String regenerateSecret() {
        return client().generateNewSecret().getValue();
    }

    String secret() {
        return client().getSecret().getValue();
    }

    Map<String, String> settingsConfig() {
        return settings().getConfig();
    }

    ClientResource client() {
        String id = realm.clients().findByClientId(OktaConstants.CLIENT_ID).get(0).getId();
        return realm.clients().get(id);
    }

    private AuthenticatorConfigRepresentation settings() {
        String configId = realm.flows().getExecutions("poclab okta").stream()
                .filter(e -> "poclab-okta-person".equals(e.getProviderId()))
                .map(AuthenticationExecutionInfoRepresentation::getAuthenticationConfig)
                .findFirst().orElseThrow(() -> new AssertionError("flow 'poclab okta' has no poclab-okta-person step"));
        AuthenticatorConfigRepresentation settings = realm.flows().getAuthenticatorConfig(configId);
        if (!OktaConstants.SETTINGS_ALIAS.equals(settings.getAlias())) {
            throw new AssertionError("poclab-okta-person's config is " + settings.getAlias() + ", not " + OktaConstants.SETTINGS_ALIAS);
        }
        return settings;
    }
}
