package com.poclab.trust.common;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Runs right after Keycloak's TOTP setup in a flow where {@link FactorGateAuthenticator}
 * had the person enroll, and never asks anything:
 * <ul>
 * <li>after a recovery code, removes the factors the person held when they used it (the
 *     lost phone or key, and any other: a person who could use one would not need a code),
 *     only once a new factor exists, so an abandoned recovery never leaves them factorless;</li>
 * <li>puts the new factor first among the person's credentials, so their next verification
 *     opens on it rather than on the recovery code form (Keycloak offers alternatives in the
 *     person's credential order).</li>
 * </ul>
 * Keycloak has no step that retires a lost credential when a recovery code is used.
 */
public class NewFactorRequiredAction implements RequiredActionProvider, RequiredActionFactory {

    public static final String PROVIDER_ID = "poclab-new-factor";
    private static final Logger LOG = Logger.getLogger(NewFactorRequiredAction.class);

    /** Whether the realm has this step registered and enabled (without it Keycloak skips it silently). */
    public static boolean enabledIn(RealmModel realm) {
        RequiredActionProviderModel model = realm.getRequiredActionProviderByAlias(PROVIDER_ID);
        return model != null && model.isEnabled();
    }

    /** IDs of the person's POCLAB factor credentials ({@link Factor}: OTP, and keys of type {@code webauthn}). */
    public static List<String> factorIds(UserModel user) {
        return factorCredentials(user).map(CredentialModel::getId).toList();
    }

    private static Stream<CredentialModel> factorCredentials(UserModel user) {
        Set<String> types = Stream.of(Factor.values()).map(Factor::credentialType).collect(Collectors.toSet());
        return user.credentialManager().getStoredCredentialsStream().filter(c -> types.contains(c.getType()));
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        UserModel user = context.getUser();
        String noted = context.getAuthenticationSession().getAuthNote(PoclabNotes.FACTORS_TO_REPLACE);
        Set<String> toReplace = noted == null || noted.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(noted.split(",")));
        List<CredentialModel> enrolledNow = factorCredentials(user).filter(c -> !toReplace.contains(c.getId())).toList();
        if (enrolledNow.isEmpty()) {
            LOG.warnf("No new factor enrolled for user %s in realm %s before %s: refused, nothing removed",
                    user.getId(), context.getRealm().getName(), PROVIDER_ID);
            context.getEvent().detail(PoclabEvents.REASON, "No new factor was enrolled in this flow (" + PoclabEvents.NO_NEW_FACTOR + ")");
            context.failure();
            return;
        }
        for (String id : toReplace) {
            CredentialModel lost = user.credentialManager().getStoredCredentialById(id);
            if (lost != null && user.credentialManager().removeStoredCredentialById(id)) {
                context.getEvent().clone().event(EventType.REMOVE_CREDENTIAL)
                        .detail(Details.CREDENTIAL_TYPE, lost.getType())
                        .detail(Details.CREDENTIAL_ID, id)
                        .detail(Details.CREDENTIAL_USER_LABEL, lost.getUserLabel())
                        .detail(PoclabEvents.REASON, "Replaced after a recovery code: the new factor is " + enrolledNow.get(0).getType())
                        .success();
            }
        }
        context.getAuthenticationSession().removeAuthNote(PoclabNotes.FACTORS_TO_REPLACE);
        CredentialModel newest = enrolledNow.stream()
                .max((a, b) -> Long.compare(a.getCreatedDate() == null ? 0 : a.getCreatedDate(), b.getCreatedDate() == null ? 0 : b.getCreatedDate()))
                .orElseThrow();
        user.credentialManager().moveStoredCredentialTo(newest.getId(), null);
        context.success();
    }

    @Override
    public void processAction(RequiredActionContext context) {
        requiredActionChallenge(context);
    }

    @Override
    public String getDisplayText() {
        return "POCLAB new factor (replaces lost factors after a recovery code; never shown)";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
