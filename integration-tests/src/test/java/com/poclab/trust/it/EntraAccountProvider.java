package com.poclab.trust.it;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/**
 * Realm eam's OIDC identity provider {@code entra}, set up as README "Account console sign-in
 * with Entra" tells an admin to do in the admin console: the tenant's v2.0 endpoints, the app
 * registration's client ID and secret, the POCLAB first and post broker login flows.
 */
final class EntraAccountProvider {

    static final String ALIAS = "entra";

    private EntraAccountProvider() {
    }

    static IdentityProviderRepresentation representation(String authority, String tenant, String clientId, String secret) {
        IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
        idp.setAlias(ALIAS);
        idp.setDisplayName("Microsoft Entra ID");
        idp.setProviderId("oidc");
        idp.setEnabled(true);
        idp.setHideOnLogin(true);
        idp.setTrustEmail(false);
        idp.setStoreToken(false);
        idp.setFirstBrokerLoginFlowAlias("poclab entra account link");
        idp.setPostBrokerLoginFlowAlias("poclab entra account factor");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("authorizationUrl", authority + "/" + tenant + "/oauth2/v2.0/authorize");
        config.put("tokenUrl", authority + "/" + tenant + "/oauth2/v2.0/token");
        config.put("jwksUrl", authority + "/" + tenant + "/discovery/v2.0/keys");
        config.put("issuer", authority + "/" + tenant + "/v2.0");
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("clientId", clientId);
        config.put("clientSecret", secret);
        config.put("clientAuthMethod", "client_secret_post");
        config.put("defaultScope", "openid profile email");
        config.put("pkceEnabled", "true");
        config.put("pkceMethod", "S256");
        config.put("syncMode", "IMPORT");
        idp.setConfig(config);
        return idp;
    }

    /** Creates or replaces the provider. */
    static void configure(RealmResource realm, IdentityProviderRepresentation idp) {
        remove(realm);
        try (Response created = realm.identityProviders().create(idp)) {
            if (created.getStatus() != 201) {
                throw new AssertionError("identity provider not created: " + created.getStatus() + " " + created.readEntity(String.class));
            }
        }
    }

    static void remove(RealmResource realm) {
        try {
            realm.identityProviders().get(ALIAS).remove();
        } catch (NotFoundException absent) {
            // nothing to restore
        }
    }
}
