package com.poclab.trust.okta;

import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import com.poclab.trust.common.EarlierSession;
import com.poclab.trust.common.EnrollmentPolicy;
import com.poclab.trust.common.OffboardingRecords;
import com.poclab.trust.common.PoclabEvents;
import com.poclab.trust.common.ProtocolDenial;
import com.poclab.trust.common.RecoveryCode;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernameForm;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.validation.Validation;

/**
 * Identifies the person Okta sends, without a password (Okta already checked it): Keycloak's
 * own username form, prefilled from {@code login_hint} (never trusted as proof: the POCLAB
 * factor follows). Under the first-use enrollment policy, an unknown name is created as a
 * person who then enrolls a factor; under pre-provisioned and enrollment-link it is refused
 * with a message that says so (the policy is recorded for {@code FactorGateAuthenticator}). A
 * disabled person, and the name of a deleted one ({@link OktaOffboardingRecord}), are refused to
 * Okta at once ({@code error=access_denied}).
 */
public class OktaPersonAuthenticator implements Authenticator {

    /** Squatting a colleague's name needs no secret under first-use, so Okta defaults to pre-provisioned. */
    public static final EnrollmentPolicy DEFAULT_POLICY = EnrollmentPolicy.PRE_PROVISIONED;

    private final UsernameForm usernameForm;

    public OktaPersonAuthenticator(KeycloakSession session) {
        this.usernameForm = new UsernameForm(session);
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        EarlierSession.end(context);
        usernameForm.authenticate(context);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String username = form.getFirst(AuthenticationManager.FORM_USERNAME);
        if (username == null || username.isBlank() || form.containsKey("cancel")) {
            usernameForm.action(context);
            return;
        }
        String name = username.trim();
        RealmModel realm = context.getRealm();
        EnrollmentPolicy policy = policy(context.getAuthenticatorConfig());
        policy.recordIn(context.getAuthenticationSession());
        UserModel existing = KeycloakModelUtils.findUserByNameOrEmail(context.getSession(), realm, name);
        if (existing != null && !existing.isEnabled()) {
            // Offboarded: Okta hears it at once (Keycloak's own answer is an "account disabled" page).
            context.getEvent().user(existing).detail(Details.USERNAME, name);
            ProtocolDenial.deny(context, Errors.USER_DISABLED, "The POCLAB person is disabled", "This person is disabled in POCLAB");
            return;
        }
        if (existing == null) {
            Optional<UserModel> record = OktaOffboardingRecord.find(context.getSession(), realm, name);
            if (record.isPresent()) {
                // Deleted: exactly a leaver's name (no typo), so Okta hears it at once, under every policy.
                context.getEvent().detail(Details.USERNAME, name);
                ProtocolDenial.deny(context, OktaConstants.ERROR_OFFBOARDED, OffboardingRecords.describe(record.get()),
                        "This person was removed from POCLAB");
                return;
            }
            if (policy != EnrollmentPolicy.FIRST_USE) {
                refuseNotProvisioned(context, name, form);
                return;
            }
            String lowerCase = name.toLowerCase(Locale.ROOT);
            if (lowerCase.length() <= 255) {
                UserModel user = context.getSession().users().addUser(realm, lowerCase);
                user.setEnabled(true);
                if (lowerCase.contains("@")) {
                    user.setEmail(lowerCase);
                }
                context.getEvent().detail(PoclabEvents.REASON, "Person created on first use");
            }
        }
        usernameForm.action(context);
        if (context.getUser() != null) {
            // The factor sub-flow opens on the person's first credential: a key they still hold, not their recovery codes.
            RecoveryCode.offeredAfterFactors(context.getUser());
        }
    }

    /**
     * Pre-provisioned: say plainly that this name is not a POCLAB person (Keycloak's "invalid
     * username" would send them retyping a name Okta already vouched for). The username form
     * already tells a stranger whether a name exists, so this reveals nothing more.
     */
    private static void refuseNotProvisioned(AuthenticationFlowContext context, String name, MultivaluedMap<String, String> form) {
        context.getEvent().detail(Details.USERNAME, name)
                .detail(PoclabEvents.REASON, "Not provisioned: the enrollment policy admits only people an admin created")
                .error(Errors.USER_NOT_FOUND);
        Response challenge = context.form()
                .setFormData(form)
                .addError(new FormMessage(Validation.FIELD_USERNAME, OktaConstants.MSG_PERSON_NOT_PROVISIONED, name))
                .createLoginUsername();
        context.failureChallenge(AuthenticationFlowError.INVALID_USER, challenge);
    }

    static EnrollmentPolicy policy(AuthenticatorConfigModel config) {
        return EnrollmentPolicy.parse(config == null || config.getConfig() == null ? null
                : config.getConfig().get(EnrollmentPolicy.CONFIG_KEY), DEFAULT_POLICY);
    }

    @Override
    public boolean requiresUser() {
        return false;
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
