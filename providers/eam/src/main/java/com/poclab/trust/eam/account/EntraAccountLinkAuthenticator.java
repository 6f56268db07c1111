package com.poclab.trust.eam.account;

import java.util.Optional;

import jakarta.ws.rs.core.Response;

import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.auth.EntraPersonResolver;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.ExistingUserInfo;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * First broker login of the {@code entra} provider: the POCLAB person Entra signed in is the one
 * pinned to the ID token's {@code tid} + {@code oid} ({@code entra_key}), and no one else
 * ({@link EntraPersonResolver#lookUp}, so a deleted person's offboarding record refuses them as a
 * verification does). Sets them as the existing user for Keycloak's {@code idp-auto-link}. Never
 * creates a person and never matches by email or username (a recycled UPN must not inherit anyone's
 * factors); a person not pinned yet first verifies once through Entra's EAM request, which pins them.
 */
public class EntraAccountLinkAuthenticator extends AbstractIdpAuthenticator {

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serialized,
                                    BrokeredIdentityContext brokered) {
        EntraBrokeredIdentity entra;
        try {
            entra = EntraBrokeredIdentity.of(brokered, context.getRealm());
        } catch (EntraBrokeredIdentity.Untrusted e) {
            EntraAccountRefusal.refuse(context, null, EntraAccountConstants.ERROR_UNTRUSTED_TOKEN, e.getMessage(),
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_UNTRUSTED);
            return;
        }
        context.getEvent().detail(EamConstants.DETAIL_TID, entra.tenantId()).detail(EamConstants.DETAIL_OID, entra.objectId());
        Optional<EntraPersonResolver.Resolution> person = new EntraPersonResolver(context.getSession(), context.getRealm())
                .lookUp(entra.tenantId(), entra.objectId());
        if (person.isEmpty()) {
            EntraAccountRefusal.refuse(context, null, EntraAccountConstants.ERROR_NOT_A_PERSON,
                    "No POCLAB person is pinned to this Entra tid + oid (people are pinned by their first Entra verification; "
                            + "nobody is created or matched by name here)",
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_NOT_A_PERSON);
            return;
        }
        if (person.get().refusal() == EntraPersonResolver.Refusal.OFFBOARDED) {
            // The verification flow's verdict for a deleted person, with the record's description.
            EntraAccountRefusal.refuse(context, null, EamConstants.ERROR_OFFBOARDED, person.get().reason(),
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_OFFBOARDED);
            return;
        }
        UserModel user = person.get().user();
        if (!user.isEnabled()) {
            EntraAccountRefusal.refuse(context, user, Errors.USER_DISABLED, "The POCLAB person is disabled",
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_DISABLED);
            return;
        }
        context.getAuthenticationSession().setAuthNote(EXISTING_USER_INFO,
                new ExistingUserInfo(user.getId(), EamConstants.ATTR_KEY, entra.linkKey()).serialize());
        context.success();
    }

    @Override
    protected void actionImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serialized,
                              BrokeredIdentityContext brokered) {
        authenticateImpl(context, serialized, brokered);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }
}
