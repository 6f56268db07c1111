package com.poclab.trust.okta;

import java.util.Locale;

import jakarta.ws.rs.core.MultivaluedMap;

import com.poclab.trust.common.EnrollmentPolicy;
import com.poclab.trust.common.PoclabEvents;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernameForm;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Identifies the person Okta sends, without a password (Okta already checked it): Keycloak's
 * own username form, prefilled from {@code login_hint} (never trusted as proof: the POCLAB
 * factor follows). Under the first-use enrollment policy, an unknown name is created as a
 * person who then enrolls a factor.
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
        usernameForm.authenticate(context);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String username = form.getFirst(AuthenticationManager.FORM_USERNAME);
        if (policy(context.getAuthenticatorConfig()) == EnrollmentPolicy.FIRST_USE && username != null && !username.isBlank()
                && !form.containsKey("cancel")) {
            String name = username.trim().toLowerCase(Locale.ROOT);
            RealmModel realm = context.getRealm();
            if (KeycloakModelUtils.findUserByNameOrEmail(context.getSession(), realm, name) == null && name.length() <= 255) {
                UserModel user = context.getSession().users().addUser(realm, name);
                user.setEnabled(true);
                if (name.contains("@")) {
                    user.setEmail(name);
                }
                context.getEvent().detail(PoclabEvents.REASON, "Person created on first use");
            }
        }
        usernameForm.action(context);
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
