package com.poclab.trust.okta;

import java.util.List;

import com.poclab.trust.common.EnrollmentPolicy;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

public class OktaPersonAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "poclab-okta-person";

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(OktaConstants.CONFIG_ORG_URL).label("Okta org URL")
            .helpText("e.g. https://acme.okta.com (https, no trailing slash, no path). The Okta client's redirect URI "
                    + "{org}/oauth2/v1/authorize/callback is derived from it by the integrations page.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(OktaConstants.CONFIG_CUSTOM_DOMAINS).label("Okta custom domains")
            .helpText("Optional custom domains of the Okta org (https://login.acme.com), each adding its callback as a redirect URI.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(EnrollmentPolicy.CONFIG_KEY).label("Enrollment policy")
            .helpText("pre-provisioned (default): only people an admin created or invited; one without a factor enrolls "
                    + "TOTP at sign-in. enrollment-link: only people an admin created, and one without a factor is refused "
                    + "until they enroll through an enrollment link (nobody can enroll by typing their name). first-use: an "
                    + "unknown name is created and enrolls a factor now (anyone who reaches this page could claim a name).")
            .type(ProviderConfigProperty.LIST_TYPE)
            .options(EnrollmentPolicy.PRE_PROVISIONED.value(), EnrollmentPolicy.ENROLLMENT_LINK.value(), EnrollmentPolicy.FIRST_USE.value())
            .defaultValue(OktaPersonAuthenticator.DEFAULT_POLICY.value()).add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "POCLAB Okta person";
    }

    @Override
    public String getHelpText() {
        return "Identifies the person Okta sends (username form prefilled from login_hint, no password); holds the realm's Okta settings.";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {AuthenticationExecutionModel.Requirement.REQUIRED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new OktaPersonAuthenticator(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(OktaOffboardingRecord::onEvent);
    }

    @Override
    public void close() {
    }
}
