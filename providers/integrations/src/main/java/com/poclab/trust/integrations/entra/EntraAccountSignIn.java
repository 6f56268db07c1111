package com.poclab.trust.integrations.entra;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.poclab.trust.eam.EamSettings;
import com.poclab.trust.eam.account.EntraAccountConstants;
import com.poclab.trust.eam.hint.EntraAuthority;
import com.poclab.trust.eam.hint.IdTokenHintValidator;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/**
 * The Entra card's optional "Account console sign-in": realm eam's OIDC identity provider
 * {@code entra} (README "Account console sign-in with Entra"), created or updated from a tenant
 * on the allow-list, the EAM authority, and an app registration's client ID and secret. The secret
 * is write-only: never shown again, and an empty field keeps the stored one.
 */
public final class EntraAccountSignIn {

    static final String CLIENT_SECRET = "clientSecret";
    private static final int MAX_SECRET_LENGTH = 512;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String redirectUri;
    private IdentityProviderModel provider;
    private String tenant;
    private String clientId;

    EntraAccountSignIn(KeycloakSession session, RealmModel realm, String realmIssuer) {
        this.session = session;
        this.realm = realm;
        this.redirectUri = realmIssuer + "/broker/" + EntraAccountConstants.IDP_ALIAS + "/endpoint";
        this.provider = providerOf(session, realm);
        Map<String, String> config = provider == null ? Map.of() : provider.getConfig();
        this.clientId = config.getOrDefault("clientId", "");
        this.tenant = tenantOf(config.getOrDefault("issuer", ""));
    }

    private static IdentityProviderModel providerOf(KeycloakSession session, RealmModel realm) {
        RealmModel previous = session.getContext().getRealm();
        try {
            session.getContext().setRealm(realm);
            return session.identityProviders().getByAlias(EntraAccountConstants.IDP_ALIAS);
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    /** The tenant of an issuer {@code {authority}/{tid}/v2.0}. */
    private static String tenantOf(String issuer) {
        String[] parts = issuer.split("/");
        return parts.length >= 2 && "v2.0".equals(parts[parts.length - 1]) ? parts[parts.length - 2] : "";
    }

    /**
     * Validates and, when valid, writes the provider.
     *
     * @param settings realm eam's EAM settings (authority, allow-list)
     * @return the provider as an admin event shows it (secret masked), or null with {@code errors} filled
     */
    IdentityProviderRepresentation save(EamSettings settings, String tenantInput, String clientIdInput, String secretInput,
                                        Map<String, String> errors) {
        tenant = tenantInput == null ? "" : tenantInput.trim().toLowerCase(Locale.ROOT);
        clientId = clientIdInput == null ? "" : clientIdInput.trim().toLowerCase(Locale.ROOT);
        String secret = secretInput == null ? "" : secretInput.trim();
        Set<String> allowed = settings.tenants();
        if (!IdTokenHintValidator.isGuid(tenant)) {
            errors.put("accountTenant", "Enter the tenant ID (a GUID) whose people sign in to the account console.");
        } else if (!allowed.contains(tenant)) {
            errors.put("accountTenant", "Tenant " + tenant + " is not in the Entra tenant ID list above: add it there first.");
        }
        if (!IdTokenHintValidator.isGuid(clientId)) {
            errors.put("accountClientId", "The client ID is the Application (client) ID of your Entra app registration, a GUID.");
        }
        boolean hasSecret = provider != null && !provider.getConfig().getOrDefault(CLIENT_SECRET, "").isEmpty();
        if (secret.isEmpty() && !hasSecret) {
            errors.put("accountSecret", "Enter a client secret of the app registration (Certificates & secrets).");
        } else if (secret.length() > MAX_SECRET_LENGTH || !secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            errors.put("accountSecret", "A client secret is printable ASCII without spaces, at most " + MAX_SECRET_LENGTH + " characters.");
        }
        AuthenticationFlowModel firstLogin = realm.getFlowByAlias(EntraAccountConstants.FIRST_BROKER_LOGIN_FLOW);
        AuthenticationFlowModel postLogin = realm.getFlowByAlias(EntraAccountConstants.POST_BROKER_LOGIN_FLOW);
        if (firstLogin == null || postLogin == null) {
            errors.put("accountFlows", "Realm eam lacks the flows '" + EntraAccountConstants.FIRST_BROKER_LOGIN_FLOW + "' and '"
                    + EntraAccountConstants.POST_BROKER_LOGIN_FLOW + "': re-import realm-export/eam-realm.json.");
        }
        if (!errors.isEmpty()) {
            return null;
        }
        EntraAuthority authority = settings.authority();
        boolean create = provider == null;
        IdentityProviderModel model = create ? new IdentityProviderModel() : provider;
        model.setAlias(EntraAccountConstants.IDP_ALIAS);
        model.setProviderId("oidc");
        model.setDisplayName("Microsoft Entra ID");
        if (create) {
            // A new provider opens the account console; on update an admin's "disabled" (which closes it) stays.
            model.setEnabled(true);
        }
        model.setHideOnLogin(true);
        model.setTrustEmail(false);
        model.setStoreToken(false);
        model.setFirstBrokerLoginFlowId(firstLogin.getId());
        model.setPostBrokerLoginFlowId(postLogin.getId());
        Map<String, String> config = new HashMap<>(model.getConfig() == null ? Map.of() : model.getConfig());
        String base = authority.baseUrl() + "/" + tenant;
        config.put("authorizationUrl", base + "/oauth2/v2.0/authorize");
        config.put("tokenUrl", base + "/oauth2/v2.0/token");
        config.put("jwksUrl", base + "/discovery/v2.0/keys");
        config.put("issuer", authority.issuer(tenant));
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("clientId", clientId);
        if (!secret.isEmpty()) {
            config.put(CLIENT_SECRET, secret);
        }
        config.put("clientAuthMethod", "client_secret_post");
        config.put("defaultScope", "openid profile email");
        config.put("pkceEnabled", "true");
        config.put("pkceMethod", "S256");
        model.setConfig(config);
        model.setSyncMode(IdentityProviderSyncMode.IMPORT); // held in the config map ("syncMode"), so set after it
        RealmModel previous = session.getContext().getRealm();
        try {
            session.getContext().setRealm(realm);
            if (create) {
                provider = session.identityProviders().create(model);
            } else {
                session.identityProviders().update(model);
                provider = model;
            }
        } finally {
            session.getContext().setRealm(previous);
        }
        return masked(provider);
    }

    /** What an admin event records: the provider without its secret. */
    private static IdentityProviderRepresentation masked(IdentityProviderModel model) {
        IdentityProviderRepresentation rep = new IdentityProviderRepresentation();
        rep.setInternalId(model.getInternalId());
        rep.setAlias(model.getAlias());
        rep.setProviderId(model.getProviderId());
        rep.setEnabled(model.isEnabled());
        Map<String, String> config = new LinkedHashMap<>(model.getConfig());
        config.computeIfPresent(CLIENT_SECRET, (k, v) -> "**********");
        rep.setConfig(config);
        return rep;
    }

    public boolean isConfigured() {
        return provider != null;
    }

    public boolean isEnabled() {
        return provider != null && provider.isEnabled();
    }

    public String getTenant() {
        return tenant;
    }

    public String getClientId() {
        return clientId;
    }

    /** Whether a secret is stored (never the secret). */
    public boolean isSecretSet() {
        return provider != null && !provider.getConfig().getOrDefault(CLIENT_SECRET, "").isEmpty();
    }

    /** What to add as a Web redirect URI of the app registration. */
    public String getRedirectUri() {
        return redirectUri;
    }

    public String getAccountConsoleUrl() {
        return redirectUri.substring(0, redirectUri.indexOf("/broker/")) + "/account/";
    }
}
