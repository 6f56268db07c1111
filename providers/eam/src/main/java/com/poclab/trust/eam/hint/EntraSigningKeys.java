package com.poclab.trust.eam.hint;

import java.security.PublicKey;

import io.micrometer.core.instrument.Metrics;
import org.jboss.logging.Logger;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.jose.jwk.JSONWebKeySet;
import org.keycloak.jose.jwk.JWK;
import org.keycloak.keys.PublicKeyStorageProvider;
import org.keycloak.crypto.PublicKeysWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.utils.JWKSHttpUtils;
import org.keycloak.util.JWKSUtils;

/**
 * Entra's published keys through Keycloak's public key storage: cached cluster-wide, and
 * refetched for an unknown {@code kid} no more often than Keycloak's
 * {@code min-time-between-requests}. The HTTP fetch uses Keycloak's HTTP client. Each fetch
 * is counted in Keycloak's metrics registry: {@code poclab_entra_jwks_fetches_total} with
 * {@code outcome} = success or failure, on the management port's /metrics.
 */
public final class EntraSigningKeys implements IdTokenHintValidator.SigningKeys {

    private static final Logger LOG = Logger.getLogger(EntraSigningKeys.class);
    private static final String MODEL_KEY_PREFIX = "poclab-entra::";
    static final String FETCHES_METER = "poclab.entra.jwks.fetches";

    private final KeycloakSession session;
    private final String jwksUrl;

    public EntraSigningKeys(KeycloakSession session, EntraAuthority authority) {
        this.session = session;
        this.jwksUrl = authority.jwksUrl();
    }

    @Override
    public PublicKey forKid(String kid) {
        PublicKeyStorageProvider storage = session.getProvider(PublicKeyStorageProvider.class);
        KeyWrapper key = storage.getPublicKey(MODEL_KEY_PREFIX + jwksUrl, kid, "RS256", this::load);
        return key == null ? null : (PublicKey) key.getPublicKey();
    }

    private PublicKeysWrapper load() throws Exception {
        try {
            JSONWebKeySet jwks = JWKSHttpUtils.sendJwksRequest(session, jwksUrl);
            PublicKeysWrapper keys = JWKSUtils.getKeyWrappersForUse(jwks, JWK.Use.SIG, true);
            LOG.infof("Fetched Entra signing keys from %s: kids %s", jwksUrl, keys.getKids());
            Metrics.counter(FETCHES_METER, "outcome", "success").increment();
            return keys;
        } catch (Exception e) {
            Metrics.counter(FETCHES_METER, "outcome", "failure").increment();
            throw e;
        }
    }
}
