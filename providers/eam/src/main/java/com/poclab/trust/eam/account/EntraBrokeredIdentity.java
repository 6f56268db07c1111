package com.poclab.trust.eam.account;

import java.util.Locale;
import java.util.Map;

import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.EamSettings;
import com.poclab.trust.eam.auth.EntraPersonResolver;
import com.poclab.trust.eam.hint.IdTokenHintValidator;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.JsonWebToken;

/**
 * Who Entra signed in, read from the ID token Keycloak's OIDC broker validated (signature by
 * the provider's keys, issuer, audience, expiry, nonce): {@code tid} + {@code oid}, the only
 * names POCLAB links people by. Checked again here, so that a provider an admin pointed elsewhere
 * links nobody: the provider redeems the code at {@code {authority}/{tid}/oauth2/v2.0/token} and
 * validates the signature with the keys of {@code {authority}/{tid}/discovery/v2.0/keys} (the URLs
 * the Integrations page writes, {@code authority} from the EAM settings, {@code tid} the token's),
 * the token's issuer is {@code {authority}/{tid}/v2.0}, and the tenant is on the allow-list. The
 * authorization URL is not checked: whatever page it shows, the code is redeemed at that token
 * endpoint and the ID token must carry the tenant's signature.
 */
public record EntraBrokeredIdentity(String tenantId, String objectId) {

    /** Why the brokered token names nobody POCLAB can link. */
    public static final class Untrusted extends Exception {
        public Untrusted(String reason) {
            super(reason);
        }
    }

    /** {@code tid:oid} in lower case: the person's {@code entra_key}. */
    public String linkKey() {
        return EntraPersonResolver.linkKey(tenantId, objectId);
    }

    public static EntraBrokeredIdentity of(BrokeredIdentityContext brokered, RealmModel realm) throws Untrusted {
        if (brokered == null || !EntraAccountConstants.IDP_ALIAS.equals(brokered.getIdpConfig().getAlias())) {
            throw new Untrusted("The sign-in did not come from the identity provider '" + EntraAccountConstants.IDP_ALIAS + "'");
        }
        Object token = brokered.getContextData().get(OIDCIdentityProvider.VALIDATED_ID_TOKEN);
        if (!(token instanceof JsonWebToken idToken)) {
            throw new Untrusted("No validated Entra ID token in the brokered sign-in");
        }
        Map<String, Object> claims = idToken.getOtherClaims();
        String tid = claims.get("tid") instanceof String s ? s : null;
        String oid = claims.get("oid") instanceof String s ? s : null;
        if (!IdTokenHintValidator.isGuid(tid) || !IdTokenHintValidator.isGuid(oid)) {
            throw new Untrusted("The Entra ID token has no tid and oid GUIDs");
        }
        EamSettings settings;
        try {
            settings = EamSettings.from(realm.getAuthenticatorConfigByAlias(EamConstants.SETTINGS_ALIAS), EamConstants.CLIENT_ID);
        } catch (IllegalArgumentException e) {
            throw new Untrusted("POCLAB's Entra settings are invalid: " + e.getMessage());
        }
        String tenant = tid.toLowerCase(Locale.ROOT);
        if (!settings.tenants().contains(tenant)) {
            throw new Untrusted("Tenant " + tenant + " is not on the Entra tenant allow-list");
        }
        if (!settings.authority().issuer(tid).equals(idToken.getIssuer())) {
            throw new Untrusted("The ID token's issuer is not " + settings.authority().issuer(tid) + " (the configured Entra authority and the token's tid)");
        }
        checkProvider(new OIDCIdentityProviderConfig(brokered.getIdpConfig()), settings.authority().baseUrl() + "/" + tenant);
        return new EntraBrokeredIdentity(tenant, oid.toLowerCase(Locale.ROOT));
    }

    /** The provider took the token from the tenant's own endpoints and checked its signature with the tenant's keys. */
    private static void checkProvider(OIDCIdentityProviderConfig provider, String tenantBase) throws Untrusted {
        String tokenUrl = tenantBase + "/oauth2/v2.0/token";
        String jwksUrl = tenantBase + "/discovery/v2.0/keys";
        if (!tokenUrl.equalsIgnoreCase(provider.getTokenUrl())) {
            throw new Untrusted("The identity provider's token URL is not " + tokenUrl + " (the configured Entra authority and the token's tid)");
        }
        if (!provider.isValidateSignature() || !provider.isUseJwksUrl()) {
            throw new Untrusted("The identity provider does not validate signatures with the tenant's published keys"
                    + " (Validate signatures and Use JWKS URL must be on)");
        }
        if (!jwksUrl.equalsIgnoreCase(provider.getJwksUrl())) {
            throw new Untrusted("The identity provider's JWKS URL is not " + jwksUrl + " (the configured Entra authority and the token's tid)");
        }
    }
}
