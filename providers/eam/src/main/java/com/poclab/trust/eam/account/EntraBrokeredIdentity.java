package com.poclab.trust.eam.account;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.EamSettings;
import com.poclab.trust.eam.auth.EntraPersonResolver;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.JsonWebToken;

/**
 * Who Entra signed in, read from the ID token Keycloak's OIDC broker validated (signature by
 * the tenant's published keys, issuer, audience, expiry, nonce): {@code tid} + {@code oid}, the
 * only names POCLAB links people by. Checked again here: the issuer must be
 * {@code {authority}/{tid}/v2.0} of the EAM settings' authority and the tenant on the allow-list,
 * so a provider an admin pointed elsewhere links nobody.
 */
public record EntraBrokeredIdentity(String tenantId, String objectId) {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

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
        if (tid == null || oid == null || !GUID.matcher(tid).matches() || !GUID.matcher(oid).matches()) {
            throw new Untrusted("The Entra ID token has no tid and oid GUIDs");
        }
        EamSettings settings;
        try {
            settings = EamSettings.from(realm.getAuthenticatorConfigByAlias(EamConstants.SETTINGS_ALIAS), "poclab-eam");
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
        return new EntraBrokeredIdentity(tenant, oid.toLowerCase(Locale.ROOT));
    }
}
