package com.poclab.trust.common.enrollment;

import jakarta.ws.rs.core.Response;

import com.poclab.trust.common.PoclabEvents;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Opens an enrollment link: the person goes straight to Keycloak's setup of the factor the
 * admin chose, then sees Keycloak's "account updated" page (no sign-in, no session).
 * Single use through Keycloak's own mechanism: {@link #canUseTokenRepeatedly} is false, so
 * Keycloak puts the token in its revoked-token store once the setup completes.
 */
public class EnrollmentLinkTokenHandler extends AbstractActionTokenHandler<EnrollmentLinkToken> {

    /** Event detail naming the link (the token id, never the token). */
    public static final String DETAIL_LINK_ID = "poclab_enrollment_link";
    public static final String ERROR_LINK_USED = "poclab_enrollment_link_used";
    public static final String ERROR_FACTOR_UNAVAILABLE = "poclab_enrollment_factor_unavailable";
    static final String MSG_LINK_USED = "poclabEnrollmentLinkUsedMessage";
    static final String MSG_FACTOR_UNAVAILABLE = "poclabEnrollmentFactorUnavailableMessage";

    public EnrollmentLinkTokenHandler() {
        super(EnrollmentLinkToken.TOKEN_TYPE, EnrollmentLinkToken.class, "poclabEnrollmentLinkInvalidMessage",
                EventType.EXECUTE_ACTIONS, Errors.NOT_ALLOWED);
    }

    @Override
    public Predicate<? super EnrollmentLinkToken>[] getVerifiers(ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        return TokenUtils.predicates(
                // Keycloak checks this too, but with its generic "expired action" page; say what happened.
                TokenUtils.checkThat(t -> !tokenContext.getSession().revokedTokens().contains(t.serializeKey()),
                        ERROR_LINK_USED, MSG_LINK_USED),
                TokenUtils.checkThat(t -> requiredActionEnabled(t, tokenContext), ERROR_FACTOR_UNAVAILABLE, MSG_FACTOR_UNAVAILABLE),
                verifyEmail(tokenContext));
    }

    private static boolean requiredActionEnabled(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        return EnrollmentFactor.parse(token.getFactor())
                .map(factor -> tokenContext.getRealm().getRequiredActionProviderByAlias(factor.requiredAction()))
                .filter(RequiredActionProviderModel::isEnabled)
                .isPresent();
    }

    @Override
    public Response handleToken(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        AuthenticationSessionModel authSession = tokenContext.getAuthenticationSession();
        EnrollmentFactor factor = EnrollmentFactor.parse(token.getFactor()).orElseThrow();
        authSession.addRequiredAction(factor.requiredAction());
        tokenContext.getEvent().clone()
                .detail(DETAIL_LINK_ID, token.getId())
                .detail(PoclabEvents.FACTOR, factor.value())
                .detail(PoclabEvents.REASON, "Enrollment link opened")
                .success();

        String nextAction = AuthenticationManager.nextRequiredAction(tokenContext.getSession(), authSession,
                tokenContext.getRequest(), tokenContext.getEvent());
        return AuthenticationManager.redirectToRequiredActions(tokenContext.getSession(), tokenContext.getRealm(), authSession,
                tokenContext.getUriInfo(), nextAction);
    }

    @Override
    public boolean canUseTokenRepeatedly(EnrollmentLinkToken token, ActionTokenContext<EnrollmentLinkToken> tokenContext) {
        return false;
    }
}
