package com.poclab.trust.integrations.entra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.EamSettings;
import com.poclab.trust.eam.hint.IdTokenHintValidator;
import com.poclab.trust.integrations.DeploymentUrls;
import com.poclab.trust.integrations.IntegrationsConstants;
import com.poclab.trust.integrations.check.CheckResult;
import com.poclab.trust.integrations.check.DeploymentCheck;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/**
 * The Entra ID (EAM) card: the tenant allow-list and App ID of realm eam's hint step
 * ({@link EamConstants#SETTINGS_ALIAS}), and what an admin pastes into Entra.
 */
public final class EntraCard {

    private final RealmModel realm;
    private final AuthenticatorConfigModel settings;
    private final DeploymentUrls urls;
    private String tenants;
    private String appId;
    private final Map<String, String> errors = new HashMap<>();
    private List<CheckResult> checks;
    private final EntraAccountSignIn account;

    private EntraCard(KeycloakSession session, RealmModel realm, AuthenticatorConfigModel settings, DeploymentUrls urls) {
        this.realm = realm;
        this.settings = settings;
        this.urls = urls;
        this.account = new EntraAccountSignIn(session, realm, urls.getIssuer());
        Map<String, String> config = settings == null || settings.getConfig() == null ? Map.of() : settings.getConfig();
        this.tenants = String.join("\n", new java.util.TreeSet<>(EamSettings.parseTenants(config.get(EamConstants.CONFIG_TENANTS))));
        this.appId = config.getOrDefault(EamConstants.CONFIG_APP_ID, "");
    }

    /** @return null when realm eam is not deployed */
    public static EntraCard load(KeycloakSession session) {
        RealmModel realm = session.realms().getRealmByName(IntegrationsConstants.EAM_REALM);
        if (realm == null) {
            return null;
        }
        return new EntraCard(session, realm, realm.getAuthenticatorConfigByAlias(EamConstants.SETTINGS_ALIAS), DeploymentUrls.of(session, realm));
    }

    /**
     * Validates the admin's input; on success writes it to the live settings (the next Entra
     * request uses it). Several tenants may be entered, separated by commas, spaces or lines.
     *
     * @return false with {@link #getErrors()} filled when the input is refused
     */
    public boolean save(String tenantInput, String appIdInput) {
        tenants = tenantInput == null ? "" : tenantInput.trim();
        appId = appIdInput == null ? "" : appIdInput.trim();
        Set<String> parsed = new LinkedHashSet<>();
        List<String> bad = new ArrayList<>();
        for (String t : Arrays.asList(tenants.split("[,;\\s]+"))) {
            if (t.isEmpty()) {
                continue;
            }
            if (IdTokenHintValidator.isGuid(t)) {
                parsed.add(t.toLowerCase(java.util.Locale.ROOT));
            } else {
                bad.add(t);
            }
        }
        if (!bad.isEmpty()) {
            errors.put("tenants", "\u201c" + String.join("\u201d, \u201c", bad) + "\u201d is not a tenant ID. A tenant ID is a GUID such as "
                    + "72f988bf-86f1-41af-91ab-2d7cd011db47 (Entra admin center \u2192 Overview \u2192 Tenant ID).");
        } else if (parsed.isEmpty()) {
            errors.put("tenants", "Enter at least one tenant ID: without it every Entra request is refused.");
        }
        if (!appId.isEmpty() && !IdTokenHintValidator.isGuid(appId)) {
            errors.put("appId", "The App ID is the Application (client) ID of your Entra app registration, a GUID. "
                    + "Leave it empty to use the EAM client ID.");
        }
        if (settings == null) {
            errors.put("tenants", "Realm eam has no " + EamConstants.SETTINGS_ALIAS + " settings: re-import realm-export/eam-realm.json.");
        }
        if (!errors.isEmpty()) {
            return false;
        }
        Map<String, String> config = new HashMap<>(settings.getConfig() == null ? Map.of() : settings.getConfig());
        config.put(EamConstants.CONFIG_TENANTS, String.join(Constants.CFG_DELIMITER, parsed));
        config.put(EamConstants.CONFIG_APP_ID, appId.toLowerCase(java.util.Locale.ROOT));
        settings.setConfig(config);
        realm.updateAuthenticatorConfig(settings);
        tenants = String.join("\n", parsed);
        return true;
    }

    /**
     * Creates or updates realm eam's identity provider {@code entra} (account console sign-in).
     *
     * @return the provider as the admin event records it (no secret), or null with {@link #getErrors()} filled
     */
    public IdentityProviderRepresentation saveAccountSignIn(String tenantInput, String clientIdInput, String secretInput) {
        EamSettings eam;
        try {
            eam = EamSettings.from(settings, IntegrationsConstants.EAM_CLIENT_ID);
        } catch (IllegalArgumentException e) {
            errors.put("accountTenant", "POCLAB's Entra settings are invalid: " + e.getMessage());
            return null;
        }
        return account.save(eam, tenantInput, clientIdInput, secretInput, errors);
    }

    public EntraAccountSignIn getAccount() {
        return account;
    }

    public List<CheckResult> check(KeycloakSession session) {
        ClientModel client = realm.getClientByClientId(IntegrationsConstants.EAM_CLIENT_ID);
        Set<String> tenantSet = settings == null ? Set.of() : EamSettings.parseTenants(settings.getConfig().get(EamConstants.CONFIG_TENANTS));
        DeploymentCheck check = new DeploymentCheck(session, realm, urls).discoveryAndKeys().entraDiscoveryFields()
                .rule(!tenantSet.isEmpty(), "Tenant ID set", tenantSet.isEmpty() ? "no tenant allowed" : String.join(", ", tenantSet),
                        "Enter your tenant ID in the Entra tenant ID field and save.");
        if (client == null) {
            check.rule(false, "EAM client exists", IntegrationsConstants.EAM_CLIENT_ID + " not found", "Re-import realm-export/eam-realm.json.");
        } else {
            check.redirectUris(client, Set.of(EamConstants.ENTRA_REDIRECT_URIS),
                    "Register exactly Entra's three reply URLs on client " + client.getClientId() + ": " + String.join(", ", EamConstants.ENTRA_REDIRECT_URIS));
            check.rule(client.isImplicitFlowEnabled(), "EAM client answers with an id_token (implicit flow)",
                    client.isImplicitFlowEnabled() ? "enabled" : "disabled", "Enable Implicit flow on client " + client.getClientId() + ".");
        }
        checks = check.results();
        return checks;
    }

    public AuthenticatorConfigModel settings() {
        return settings;
    }

    public RealmModel realm() {
        return realm;
    }

    public String getTenants() {
        return tenants;
    }

    public String getAppId() {
        return appId;
    }

    public String getClientId() {
        return IntegrationsConstants.EAM_CLIENT_ID;
    }

    public String getAzurePortalUrl() {
        return IntegrationsConstants.AZURE_PORTAL_TENANT_URL;
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
