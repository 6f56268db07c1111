package com.poclab.trust.common;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.authentication.authenticators.browser.RecoveryAuthnCodesFormAuthenticatorFactory;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
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

    /**
     * Puts the person's recovery codes after their last factor in their credential order. Keycloak
     * opens a verification on the alternative whose credential comes first; a person who removed the
     * factor enrolled before their codes (a lost phone, in the account console or by an admin) and
     * kept a passkey added later would otherwise be shown the recovery code form, and a code used
     * there replaces the passkey they still hold. Changes nothing when the order is already right.
     */
    public static void offeredAfterFactors(UserModel user) {
        Set<String> factorTypes = Stream.of(Factor.values()).map(Factor::credentialType).collect(Collectors.toSet());
        List<CredentialModel> credentials = user.credentialManager().getStoredCredentialsStream().toList();
        CredentialModel codes = null;
        CredentialModel lastFactor = null;
        for (CredentialModel credential : credentials) {
            if (RecoveryAuthnCodesCredentialModel.TYPE.equals(credential.getType()) && codes == null) {
                codes = credential;
            } else if (factorTypes.contains(credential.getType()) && codes != null) {
                lastFactor = credential;
            }
        }
        if (lastFactor != null) {
            user.credentialManager().moveStoredCredentialTo(codes.getId(), lastFactor.getId());
        }
    }
}
