package com.poclab.trust.eam.auth;

import java.util.List;

import com.poclab.trust.common.EnrollmentPolicy;
import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.EamSettings;
import com.poclab.trust.eam.hint.EntraAuthority;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

public class IdTokenHintAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "poclab-eam-hint";
    private static final IdTokenHintAuthenticator SINGLETON = new IdTokenHintAuthenticator();

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(EamConstants.CONFIG_TENANTS).label("Entra tenant IDs")
            .helpText("Allow-list of Entra tenant IDs (GUIDs) whose hints are accepted. Empty: every hint is refused.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(EamConstants.CONFIG_APP_ID).label("App ID")
            .helpText("The App ID Entra puts in the hint's aud. Empty: the EAM client ID.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(EamConstants.CONFIG_AUTHORITY).label("Entra authority")
            .helpText("Entra cloud that signs hints: " + EntraAuthority.GLOBAL + " (global), " + EntraAuthority.US_GOVERNMENT
                    + " (US Government), " + EntraAuthority.CHINA + " (China). Keys come from {authority}/common/discovery/v2.0/keys.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(EntraAuthority.GLOBAL).add()
            .property().name(EnrollmentPolicy.CONFIG_KEY).label("Enrollment policy")
            .helpText("first-use: a person seen for the first time is created and enrolls a factor now. "
                    + "pre-provisioned: only people an admin created or invited. enrollment-link: only people an admin "
                    + "created, and one without a factor is refused until they enroll through an enrollment link.")
            .type(ProviderConfigProperty.LIST_TYPE)
            .options(EnrollmentPolicy.FIRST_USE.value(), EnrollmentPolicy.PRE_PROVISIONED.value(), EnrollmentPolicy.ENROLLMENT_LINK.value())
            .defaultValue(EamSettings.DEFAULT_POLICY.value()).add()
            .property().name(EamConstants.CONFIG_MAX_AGE).label("Maximum hint age (seconds)")
            .helpText("A hint issued (iat) longer ago than this is refused. Entra issues hints already expired, so exp is not used.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(String.valueOf(EamConstants.DEFAULT_MAX_AGE_SECONDS)).add()
            .property().name(EamConstants.CONFIG_CLOCK_SKEW).label("Clock skew (seconds)")
            .helpText("Tolerance for iat/nbf against this server's clock.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(String.valueOf(EamConstants.DEFAULT_CLOCK_SKEW_SECONDS)).add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "POCLAB Entra id_token_hint";
    }

    @Override
    public String getHelpText() {
        return "Validates Entra's id_token_hint (External Authentication Method) and identifies the person by tid + oid.";
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
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(OffboardingRecord::onEvent);
    }

    @Override
    public void close() {
    }
}
