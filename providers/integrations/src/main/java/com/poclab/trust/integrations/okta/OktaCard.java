package com.poclab.trust.integrations.okta;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.poclab.trust.integrations.DeploymentUrls;
import com.poclab.trust.integrations.IntegrationsConstants;
import com.poclab.trust.integrations.check.CheckResult;
import com.poclab.trust.integrations.check.DeploymentCheck;
import com.poclab.trust.okta.OktaConstants;
import com.poclab.trust.okta.OktaIntegration;
import com.poclab.trust.okta.OktaOrg;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The Okta card: the org URL and custom domains of realm okta's person step
 * ({@link OktaConstants#SETTINGS_ALIAS}), the redirect URIs derived from them, and the client
 * secret POCLAB generates (held only by Keycloak; shown in the one response that creates it).
 */
public final class OktaCard {

    private final RealmModel realm;
    private final AuthenticatorConfigModel settings;
    private final ClientModel client;
    private final DeploymentUrls urls;
    private String orgUrl;
    private String customDomains;
    private final Map<String, String> errors = new HashMap<>();
    private String newSecret;
    private List<CheckResult> checks;

    private OktaCard(RealmModel realm, AuthenticatorConfigModel settings, ClientModel client, DeploymentUrls urls) {
        this.realm = realm;
        this.settings = settings;
        this.client = client;
        this.urls = urls;
        Map<String, String> config = settings == null || settings.getConfig() == null ? Map.of() : settings.getConfig();
        this.orgUrl = config.getOrDefault(OktaConstants.CONFIG_ORG_URL, "");
        this.customDomains = String.join("\n", config.getOrDefault(OktaConstants.CONFIG_CUSTOM_DOMAINS, "").split(Constants.CFG_DELIMITER)).trim();
    }

    /** @return null when realm okta is not deployed */
    public static OktaCard load(KeycloakSession session) {
        RealmModel realm = session.realms().getRealmByName(IntegrationsConstants.OKTA_REALM);
        if (realm == null) {
            return null;
        }
        return new OktaCard(realm, realm.getAuthenticatorConfigByAlias(OktaConstants.SETTINGS_ALIAS),
                realm.getClientByClientId(OktaConstants.CLIENT_ID), DeploymentUrls.of(session, realm));
    }

    /**
     * Validates the org URL and custom domains ({@link OktaOrg}: https, host only, no trailing
     * slash), field by field; on success {@link OktaIntegration#configureOrg} writes them and replaces
     * the client's redirect URIs with the derived ones.
     *
     * @return false with {@link #getErrors()} filled when the input is refused
     */
    public boolean save(KeycloakSession session, String orgUrlInput, String customDomainsInput) {
        orgUrl = orgUrlInput == null ? "" : orgUrlInput.trim();
        customDomains = customDomainsInput == null ? "" : customDomainsInput.trim();
        OktaOrg org = null;
        try {
            OktaOrg.checkOrigin(orgUrl, "Okta org URL");
        } catch (IllegalArgumentException e) {
            errors.put("orgUrl", e.getMessage());
        }
        try {
            OktaOrg.parse("https://placeholder.okta.com", customDomains);
        } catch (IllegalArgumentException e) {
            errors.put("customDomains", e.getMessage());
        }
        if (errors.isEmpty()) {
            org = OktaOrg.parse(orgUrl, customDomains);
        }
        if (settings == null || client == null) {
            errors.put("orgUrl", "Realm okta lacks its " + OktaConstants.SETTINGS_ALIAS + " settings or client "
                    + OktaConstants.CLIENT_ID + ": re-import realm-export/okta-realm.json.");
        }
        if (!errors.isEmpty()) {
            return false;
        }
        org = OktaIntegration.configureOrg(session, realm, orgUrl, customDomains);
        orgUrl = org.orgUrl();
        customDomains = String.join("\n", org.customDomains());
        return true;
    }

    /** Generates a new secret; the old one stops working at once (as the admin console's Regenerate). */
    public String regenerateSecret(KeycloakSession session) {
        newSecret = OktaIntegration.regenerateSecret(session, realm);
        client.setAttribute(IntegrationsConstants.ATTR_SECRET_GENERATED_AT, Long.toString(Instant.now().getEpochSecond()));
        return newSecret;
    }

    public List<CheckResult> check(KeycloakSession session) {
        Set<String> expected = expectedRedirectUris();
        DeploymentCheck check = new DeploymentCheck(session, realm, urls).discoveryAndKeys().oktaDiscoveryFields()
                .rule(!expected.isEmpty(), "Okta org URL set", orgUrl.isEmpty() ? "not set" : orgUrl,
                        "Enter your Okta org URL (for example https://acme.okta.com) and save.");
        if (client != null) {
            check.redirectUris(client, expected, "Save the Okta card again: it registers " + String.join(", ", expected.isEmpty()
                    ? Set.of("{org}" + OktaConstants.CALLBACK_PATH) : expected) + " on client " + client.getClientId() + ".");
            check.rule(isSecretGenerated(), "Client secret set", isSecretGenerated() ? "generated " + getSecretGeneratedAt() : "never generated here",
                    "Press Generate secret and paste it into Okta.");
        }
        checks = check.results();
        return checks;
    }

    /** Empty while the stored org URL is missing or invalid: the "Okta org URL set" rule reports it. */
    private Set<String> expectedRedirectUris() {
        Map<String, String> config = settings == null || settings.getConfig() == null ? Map.of() : settings.getConfig();
        try {
            return OktaOrg.parse(config.get(OktaConstants.CONFIG_ORG_URL), config.get(OktaConstants.CONFIG_CUSTOM_DOMAINS)).redirectUris();
        } catch (IllegalArgumentException e) {
            return Set.of();
        }
    }

    public boolean isSecretGenerated() {
        return client != null && client.getSecret() != null && client.getAttribute(IntegrationsConstants.ATTR_SECRET_GENERATED_AT) != null;
    }

    public String getSecretGeneratedAt() {
        String at = client == null ? null : client.getAttribute(IntegrationsConstants.ATTR_SECRET_GENERATED_AT);
        return at == null ? null : Instant.ofEpochSecond(Long.parseLong(at)).toString();
    }

    public RealmModel realm() {
        return realm;
    }

    public AuthenticatorConfigModel settings() {
        return settings;
    }

    public ClientModel client() {
        return client;
    }

    public String getOrgUrl() {
        return orgUrl;
    }

    public String getCustomDomains() {
        return customDomains;
    }

    public String getClientId() {
        return OktaConstants.CLIENT_ID;
    }

    /** Only in the response to the request that generated it. */
    public String getNewSecret() {
        return newSecret;
    }

    public DeploymentUrls getUrls() {
        return urls;
    }

    public Map<String, String> getErrors() {
        return errors;
    }

    public List<CheckResult> getChecks() {
        return checks;
    }
}
