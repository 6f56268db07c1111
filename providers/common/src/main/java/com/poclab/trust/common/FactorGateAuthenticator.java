package com.poclab.trust.common;

import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Placed after the factor sub-flow: proves that this authentication verified a POCLAB
 * factor and records which one (for {@code amr}). A person who holds no factor yet is
 * sent through Keycloak's TOTP setup required action, which has them enter a code from
 * the new authenticator before any token is issued, unless the flow's enrollment policy
 * ({@link EnrollmentPolicy#recordedIn}) refuses enrollment at sign-in. A recovery code (Keycloak's)
 * is not a factor: it sends the person through the same TOTP setup and replaces their earlier
 * factors. Anything else fails closed.
 *
 * <p>Why our own step: Keycloak's conditional 2FA sub-flow silently passes a person with
 * no credential, and its amr mapper merges factors from earlier SSO sessions; the
 * gate must know the factor of this very flow.
 */
public class FactorGateAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(FactorGateAuthenticator.class);
    static final String NOT_ENROLLED_DESCRIPTION = "no POCLAB factor enrolled; ask your administrator for an enrollment link";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();
        PoclabEvents.withFlowDetails(authSession, context.getEvent());
        if (RecoveryCode.usedIn(authSession, context.getRealm())) {
            replaceLostFactors(context);
            return;
        }
        Optional<Factor> verified = Factor.verifiedIn(authSession, context.getRealm());
        if (verified.isPresent()) {
            record(context, verified.get().amr(), false);
            context.success();
            return;
        }
        if (!Factor.anyConfiguredFor(user)) {
            EnrollmentPolicy policy = EnrollmentPolicy.recordedIn(authSession);
            if (!policy.enrollsAtSignIn()) {
                context.getEvent().user(user);
                ProtocolDenial.deny(context, PoclabEvents.FACTOR_NOT_ENROLLED, "No POCLAB factor enrolled; the enrollment policy "
                        + policy.value() + " allows enrollment only through an enrollment link", NOT_ENROLLED_DESCRIPTION);
                return;
            }
            // First factor of this person: TOTP setup is a required action of this flow.
            authSession.addRequiredAction(UserModel.RequiredAction.CONFIGURE_TOTP);
            if (NewFactorRequiredAction.enabledIn(context.getRealm())) {
                authSession.addRequiredAction(NewFactorRequiredAction.PROVIDER_ID);
            }
            record(context, Factor.OTP.amr(), true);
            context.success();
            return;
        }
        LOG.warnf("No POCLAB factor verified for user %s in realm %s: check the flow's factor sub-flow",
                user.getId(), context.getRealm().getName());
        context.getEvent().detail(PoclabEvents.REASON, "The flow completed without a POCLAB second factor");
        context.getEvent().error(PoclabEvents.FACTOR_NOT_VERIFIED);
        context.failure(AuthenticationFlowError.INTERNAL_ERROR);
    }

    /**
     * A recovery code is never the MFA: the person enrolls a new TOTP now (Keycloak's required
     * action, before any token), and {@link NewFactorRequiredAction} then removes the factors
     * they held when they used the code (the lost phone or key must not keep passing).
     */
    private static void replaceLostFactors(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        EnrollmentPolicy policy = EnrollmentPolicy.recordedIn(authSession);
        if (!policy.enrollsAtSignIn()) {
            // Under enrollment-link nobody enrolls at sign-in, recovery included: for Okta the first
            // step is only a typed name, so a stolen code sheet must not replace the person's factors.
            context.getEvent().user(context.getUser());
            ProtocolDenial.deny(context, PoclabEvents.FACTOR_NOT_ENROLLED, "A recovery code was used, but the enrollment policy "
                    + policy.value() + " allows enrollment only through an enrollment link", NOT_ENROLLED_DESCRIPTION);
            return;
        }
        if (!NewFactorRequiredAction.enabledIn(context.getRealm())) {
            // Without it the lost factor would stay valid: refuse rather than half-recover.
            LOG.warnf("Recovery code used in realm %s, but required action %s is not enabled: refused",
                    context.getRealm().getName(), NewFactorRequiredAction.PROVIDER_ID);
            context.getEvent().detail(PoclabEvents.REASON, "Recovery needs the enabled required action "
                    + NewFactorRequiredAction.PROVIDER_ID);
            context.getEvent().error(PoclabEvents.RECOVERY_NOT_CONFIGURED);
            context.failure(AuthenticationFlowError.INTERNAL_ERROR);
            return;
        }
        authSession.setAuthNote(PoclabNotes.FACTORS_TO_REPLACE, String.join(",", NewFactorRequiredAction.factorIds(context.getUser())));
        authSession.addRequiredAction(UserModel.RequiredAction.CONFIGURE_TOTP);
        authSession.addRequiredAction(NewFactorRequiredAction.PROVIDER_ID);
        PoclabEvents.flowDetail(authSession, context.getEvent(), PoclabEvents.RECOVERY_CODE, "used");
        // The code is spent now (Keycloak marked it used), whether or not the person finishes.
        context.getEvent().clone().event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, RecoveryAuthnCodesCredentialModel.TYPE)
                .detail(PoclabEvents.REASON, "A recovery code was used: the person enrolls a new factor, earlier factors are removed")
                .success();
        record(context, Factor.OTP.amr(), true);
        context.success();
    }

    private static void record(AuthenticationFlowContext context, String amr, boolean enrolled) {
        context.getAuthenticationSession().setClientNote(PoclabNotes.FACTOR_AMR, amr);
        context.getAuthenticationSession().setClientNote(PoclabNotes.FACTOR_ENROLLED, Boolean.toString(enrolled));
        // Flow details: the LOGIN event comes in a later request when a required action (enrollment) runs first.
        PoclabEvents.flowDetail(context.getAuthenticationSession(), context.getEvent(), PoclabEvents.FACTOR, amr);
        PoclabEvents.flowDetail(context.getAuthenticationSession(), context.getEvent(), PoclabEvents.ENROLLED, Boolean.toString(enrolled));
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
