package com.poclab.trust.integrations;

import jakarta.ws.rs.core.UriBuilder;

import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.protocol.oidc.OIDCWellKnownProviderFactory;
import org.keycloak.services.resources.RealmsResource;
import org.keycloak.urls.UrlType;

/**
 * The URLs Entra and Okta reach a realm at: built the way Keycloak builds its discovery
 * document, from the configured hostname (and the realm's frontend URL, if it has one).
 */
public final class DeploymentUrls {

    public static final String DISCOVERY_SUFFIX = "/.well-known/openid-configuration";

    private final String issuer;
    private final String discoveryUrl;
    private final String authorizeUrl;
    private final String tokenUrl;
    private final String jwksUrl;

    private DeploymentUrls(String issuer, String discoveryUrl, String authorizeUrl, String tokenUrl, String jwksUrl) {
        this.issuer = issuer;
        this.discoveryUrl = discoveryUrl;
        this.authorizeUrl = authorizeUrl;
        this.tokenUrl = tokenUrl;
        this.jwksUrl = jwksUrl;
    }

    public static DeploymentUrls of(KeycloakSession session, RealmModel realm) {
        KeycloakContext context = session.getContext();
        RealmModel previous = context.getRealm();
        try {
            context.setRealm(realm);
            String name = realm.getName();
            UriBuilder base = context.getUri(UrlType.FRONTEND).getBaseUriBuilder();
            return new DeploymentUrls(
                    RealmsResource.realmBaseUrl(base.clone()).build(name).toString(),
                    RealmsResource.wellKnownProviderUrl(base.clone()).build(name, OIDCWellKnownProviderFactory.PROVIDER_ID).toString(),
                    OIDCLoginProtocolService.authUrl(base.clone()).build(name).toString(),
                    OIDCLoginProtocolService.tokenUrl(base.clone()).build(name).toString(),
                    OIDCLoginProtocolService.certsUrl(base.clone()).build(name).toString());
        } finally {
            context.setRealm(previous);
        }
    }

    public String getIssuer() {
        return issuer;
    }

    public String getDiscoveryUrl() {
        return discoveryUrl;
    }

    public String getAuthorizeUrl() {
        return authorizeUrl;
    }

    public String getTokenUrl() {
        return tokenUrl;
    }

    public String getJwksUrl() {
        return jwksUrl;
    }
}
