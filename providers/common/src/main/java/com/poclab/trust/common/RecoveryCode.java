package com.poclab.trust.common;

import java.util.Map;

import org.keycloak.authentication.authenticators.browser.RecoveryAuthnCodesFormAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's recovery code form ({@code auth-recovery-authn-code-form}) in a POCLAB flow: a
 * code proves the person once held their codes, never possession of a factor, so it only
 * lets them enroll a new factor (see {@link FactorGateAuthenticator}).
 */
public final class RecoveryCode {

    public static final String AUTHENTICATOR_ID = RecoveryAuthnCodesFormAuthenticatorFactory.PROVIDER_ID;

    private RecoveryCode() {
    }

    /** Whether a recovery code was accepted in this authentication session. */
    public static boolean usedIn(AuthenticationSessionModel authSession, RealmModel realm) {
        return authSession.getExecutionStatus().entrySet().stream()
                .filter(e -> e.getValue() == AuthenticationSessionModel.ExecutionStatus.SUCCESS)
                .map(Map.Entry::getKey)
                .map(realm::getAuthenticationExecutionById)
                .filter(execution -> execution != null && !execution.isAuthenticatorFlow())
                .map(AuthenticationExecutionModel::getAuthenticator)
                .anyMatch(AUTHENTICATOR_ID::equals);
    }
}
