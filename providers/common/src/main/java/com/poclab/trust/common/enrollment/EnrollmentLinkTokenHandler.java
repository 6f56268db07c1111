package com.poclab.trust.common.enrollment;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.poclab.trust.common.PoclabEvents;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Opens an enrollment link in two steps, as Keycloak's execute-actions link does:
 * <ol>
 * <li>the first opening (a fresh authentication session) only shows a confirmation page whose
 * "proceed" link carries that session, so a mail scanner's GET consumes nothing;</li>
 * <li>proceeding claims the link in Keycloak's single-use store (cluster-wide, until the link
 * expires) before any setup page: a second browser, or a later reuse, is refused with the
 * "already used" page and registers nothing. Then Keycloak's setup of the factor the admin
 * chose, recovery codes if the person holds none and the factor's setup does not offer them,
 * and Keycloak's "account updated" page (no sign-in, no session).</li>
 * </ol>
 * Keycloak's own single-use mechanism stays: {@link #canUseTokenRepeatedly} is false, so it puts
 * the token in its revoked-token store once the setup completes.
 */
public class EnrollmentLinkTokenHandler extends AbstractActionTokenHandler<EnrollmentLinkToken> {

    /** Event detail naming the link (the token id, never the token). */
    public static final String DETAIL_LINK_ID = "poclab_enrollment_link";
    public static final String ERROR_LINK_USED = "poclab_enrollment_link_used";
    public static final String ERROR_FACTOR_UNAVAILABLE = "poclab_enrollment_factor_unavailable";
    static final String MSG_LINK_USED = "poclabEnrollmentLinkUsedMessage";
    static final String MSG_FACTOR_UNAVAILABLE = "poclabEnrollmentFactorUnavailableMessage";
    /** Confirmation page text, one per factor: {@code poclabEnrollmentLinkConfirmMessage.otp}, {@code ...passkey}. */
    static final String MSG_CONFIRM_PREFIX = "poclabEnrollmentLinkConfirmMessage.";
    static final String MSG_CONFIRM_TITLE = "poclabEnrollmentLinkConfirmTitle";
    /** Single-use store key prefix of a claimed link; the value is the token id. */
    static final String CLAIM_KEY_PREFIX = "poclab-enroll-claim.";
    /** Auth note on the authentication session that holds the claim (the token id): it may come back, e.g. with Back. */
    static final String NOTE_CLAIMED = "poclab.enrollment.claimed";

    public EnrollmentLinkTokenHandler() {
        super(EnrollmentLinkToken.TOKEN_TYPE, EnrollmentLinkToken.class, "poclabEnrollmentLinkInvalidMessage",
                EventType.EXECUTE_ACTIONS, Errors.NOT_ALLOWED);
    }

    @Override
    public Predicate<? super EnrollmentLinkToken>[] getVerifiers(ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        return TokenUtils.predicates(
                // Keycloak checks this too, but with its generic "expired action" page; say what happened.
                TokenUtils.checkThat(t -> notRevoked(t, tokenContext), ERROR_LINK_USED, MSG_LINK_USED),
                // Claimed by another browser that proceeded: refuse before anything is shown (the claim itself is in handleToken).
                TokenUtils.checkThat(t -> claimedHereOrFree(t, tokenContext), ERROR_LINK_USED, MSG_LINK_USED),
                TokenUtils.checkThat(t -> requiredActionEnabled(t, tokenContext), ERROR_FACTOR_UNAVAILABLE, MSG_FACTOR_UNAVAILABLE),
                verifyEmail(tokenContext));
    }

    private static boolean requiredActionEnabled(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        return EnrollmentFactor.parse(token.getFactor())
                .map(factor -> tokenContext.getRealm().getRequiredActionProviderByAlias(factor.requiredAction()))
                .filter(RequiredActionProviderModel::isEnabled)
                .isPresent();
    }

    private static boolean notRevoked(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        if (!tokenContext.getSession().revokedTokens().contains(token.serializeKey())) {
            return true;
        }
        tokenContext.getEvent().detail(DETAIL_LINK_ID, token.getId());
        return false;
    }

    private static boolean claimedHereOrFree(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        if (claimedHere(token, tokenContext.getAuthenticationSession())
                || !tokenContext.getSession().singleUseObjects().contains(claimKey(token))) {
            return true;
        }
        tokenContext.getEvent().detail(DETAIL_LINK_ID, token.getId());
        return false;
    }

    private static boolean claimedHere(EnrollmentLinkToken token, AuthenticationSessionModel authSession) {
        return authSession != null && token.getId().equals(authSession.getAuthNote(NOTE_CLAIMED));
    }

    private static String claimKey(EnrollmentLinkToken token) {
        return CLAIM_KEY_PREFIX + token.getId();
    }

    @Override
    public Response handleToken(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        AuthenticationSessionModel authSession = tokenContext.getAuthenticationSession();
        EnrollmentFactor factor = EnrollmentFactor.parse(token.getFactor()).orElseThrow();
        if (tokenContext.isAuthenticationSessionFresh()) {
            return confirmation(token, factor, tokenContext);
        }
        if (!claimedHere(token, authSession)) {
            // Lifespan in seconds until the link expires: after that Keycloak refuses it anyway.
            long lifespan = Math.max(1, token.getExp() - Time.currentTime());
            if (!tokenContext.getSession().singleUseObjects().putIfAbsent(claimKey(token), lifespan)) {
                return refuseClaimed(token, tokenContext);
            }
            authSession.setAuthNote(NOTE_CLAIMED, token.getId());
        }

        authSession.addRequiredAction(factor.requiredAction());
        boolean recoveryCodes = addRecoveryCodesIfMissing(factor, tokenContext);
        tokenContext.getEvent().clone()
                .detail(DETAIL_LINK_ID, token.getId())
                .detail(PoclabEvents.FACTOR, factor.value())
                .detail(PoclabEvents.REASON, "Enrollment link claimed" + (recoveryCodes ? "; recovery codes follow the factor" : ""))
                .success();

        String nextAction = AuthenticationManager.nextRequiredAction(tokenContext.getSession(), authSession,
                tokenContext.getRequest(), tokenContext.getEvent());
        return AuthenticationManager.redirectToRequiredActions(tokenContext.getSession(), tokenContext.getRealm(), authSession,
                tokenContext.getUriInfo(), nextAction);
    }

    /**
     * The page a first opening shows, built like Keycloak's execute-actions confirmation: the
     * "proceed" link is the same token bound to this browser's authentication session.
     */
    private static Response confirmation(EnrollmentLinkToken token, EnrollmentFactor factor, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        KeycloakSession session = tokenContext.getSession();
        RealmModel realm = tokenContext.getRealm();
        UriInfo uriInfo = tokenContext.getUriInfo();
        AuthenticationSessionModel authSession = tokenContext.getAuthenticationSession();
        token.setCompoundAuthenticationSessionId(AuthenticationSessionCompoundId.fromAuthSession(authSession).getEncodedId());
        String proceed = Urls.actionTokenBuilder(uriInfo.getBaseUri(), token.serialize(session, realm, uriInfo),
                        authSession.getClient().getClientId(), authSession.getTabId(), AuthenticationProcessor.getClientData(session, authSession))
                .build(realm.getName()).toString();
        return session.getProvider(LoginFormsProvider.class)
                .setAuthenticationSession(authSession)
                .setUser(authSession.getAuthenticatedUser())
                .setSuccess(MSG_CONFIRM_PREFIX + factor.value())
                .setAttribute("messageHeader", MSG_CONFIRM_TITLE)
                .setAttribute(Constants.TEMPLATE_ATTR_ACTION_URI, proceed)
                .createInfoPage();
    }

    /** Another browser claimed the link first (a race the verifier could not see): the "already used" page, nothing set up. */
    private static Response refuseClaimed(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        KeycloakSession session = tokenContext.getSession();
        new AuthenticationSessionManager(session).removeAuthenticationSession(tokenContext.getRealm(), tokenContext.getAuthenticationSession(), true);
        tokenContext.getEvent()
                .detail(DETAIL_LINK_ID, token.getId())
                .detail(PoclabEvents.REASON, "Enrollment link already claimed by another browser")
                .error(ERROR_LINK_USED);
        return ErrorPage.error(session, null, Response.Status.BAD_REQUEST, MSG_LINK_USED);
    }

    /**
     * Recovery codes at enrollment for a factor whose Keycloak setup does not offer them (WebAuthn):
     * Keycloak's CONFIGURE_RECOVERY_AUTHN_CODES, when enabled and the person holds no codes yet.
     * It runs after the factor because the realms give it a later priority (realm-export).
     */
    private static boolean addRecoveryCodesIfMissing(EnrollmentFactor factor, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        if (factor.setupOffersRecoveryCodes()) {
            return false;
        }
        String codes = UserModel.RequiredAction.CONFIGURE_RECOVERY_AUTHN_CODES.name();
        RequiredActionProviderModel action = tokenContext.getRealm().getRequiredActionProviderByAlias(codes);
        UserModel user = tokenContext.getAuthenticationSession().getAuthenticatedUser();
        if (action == null || !action.isEnabled() || user.credentialManager().isConfiguredFor(RecoveryAuthnCodesCredentialModel.TYPE)) {
            return false;
        }
        tokenContext.getAuthenticationSession().addRequiredAction(codes);
        return true;
    }

    @Override
    public boolean canUseTokenRepeatedly(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        return false;
    }
}
