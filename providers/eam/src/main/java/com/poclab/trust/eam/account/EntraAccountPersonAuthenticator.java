package com.poclab.trust.eam.account;

import jakarta.ws.rs.core.Response;

import com.poclab.trust.common.EnrollmentPolicy;
import com.poclab.trust.common.Factor;
import com.poclab.trust.common.PoclabEvents;
import com.poclab.trust.eam.EamConstants;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * First step of the {@code entra} provider's post broker login flow, at every sign-in: the person
 * Keycloak found for this Entra sign-in (by the link made at the first one) must still be the
 * POCLAB person pinned to the ID token's {@code tid} + {@code oid}, enabled, not locked out, and
 * hold a factor to be asked next. A person without a factor is refused (enrollment happens only in
 * an Entra verification or through an enrollment link), and the flow's enrollment policy is
 * recorded as {@code enrollment-link} so that {@code poclab-factor-gate} never enrolls here.
 */
public class EntraAccountPersonAuthenticator implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();
        SerializedBrokeredIdentityContext serialized = SerializedBrokeredIdentityContext.readFromAuthenticationSession(
                authSession, PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT);
        EntraBrokeredIdentity entra;
        try {
            entra = EntraBrokeredIdentity.of(serialized == null ? null : serialized.deserialize(context.getSession(), authSession),
                    context.getRealm());
        } catch (EntraBrokeredIdentity.Untrusted e) {
            EntraAccountRefusal.refuse(context, user, EntraAccountConstants.ERROR_UNTRUSTED_TOKEN, e.getMessage(),
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_UNTRUSTED);
            return;
        }
        PoclabEvents.flowDetail(authSession, context.getEvent(), EamConstants.DETAIL_TID, entra.tenantId());
        PoclabEvents.flowDetail(authSession, context.getEvent(), EamConstants.DETAIL_OID, entra.objectId());
        if (!entra.linkKey().equals(user.getFirstAttribute(EamConstants.ATTR_KEY))) {
            // A link made some other way (the account console's "Linked accounts", an admin) never stands in for the pin.
            EntraAccountRefusal.refuse(context, user, EntraAccountConstants.ERROR_NOT_A_PERSON,
                    "The Entra user signed in (tid + oid) is not the one this POCLAB person is pinned to",
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_NOT_A_PERSON);
            return;
        }
        if (!user.isEnabled()) {
            EntraAccountRefusal.refuse(context, user, Errors.USER_DISABLED, "The POCLAB person is disabled",
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_DISABLED);
            return;
        }
        String bruteForce = AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (bruteForce != null) {
            EntraAccountRefusal.refuse(context, user, bruteForce, "The person is locked out by brute-force protection",
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_LOCKED);
            return;
        }
        if (!Factor.anyConfiguredFor(user)) {
            EntraAccountRefusal.refuse(context, user, PoclabEvents.FACTOR_NOT_ENROLLED,
                    "No POCLAB factor enrolled: the account console asks an existing factor and never enrolls one",
                    Response.Status.FORBIDDEN, EntraAccountConstants.MSG_NO_FACTOR);
            return;
        }
        EnrollmentPolicy.ENROLLMENT_LINK.recordIn(authSession);
        context.success();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
