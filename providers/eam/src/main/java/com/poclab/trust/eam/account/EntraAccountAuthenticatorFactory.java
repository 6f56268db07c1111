package com.poclab.trust.eam.account;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** The account console's Entra sign-in steps: no settings of their own (they read realm eam's EAM settings). */
public abstract class EntraAccountAuthenticatorFactory implements AuthenticatorFactory {

    private final String id;
    private final String displayType;
    private final String helpText;
    private final AuthenticationExecutionModel.Requirement[] requirements;
    private final Authenticator authenticator;

    protected EntraAccountAuthenticatorFactory(String id, String displayType, String helpText, Authenticator authenticator,
                                               AuthenticationExecutionModel.Requirement... requirements) {
        this.id = id;
        this.displayType = displayType;
        this.helpText = helpText;
        this.authenticator = authenticator;
        this.requirements = requirements;
    }

    /** First broker login: the person pinned to the Entra ID token's tid + oid is the user to link. */
    public static final class Link extends EntraAccountAuthenticatorFactory {
        public static final String PROVIDER_ID = "poclab-entra-account-link";

        public Link() {
            super(PROVIDER_ID, "POCLAB Entra person to link",
                    "Sets the POCLAB person pinned to the Entra ID token's tid + oid as the user to link (then idp-auto-link); "
                            + "never creates a person, never matches by email or username.",
                    new EntraAccountLinkAuthenticator(), AuthenticationExecutionModel.Requirement.REQUIRED);
        }
    }

    /** Post broker login: the linked person is still the pinned, enabled person and holds a factor. */
    public static final class Person extends EntraAccountAuthenticatorFactory {
        public static final String PROVIDER_ID = "poclab-entra-account-person";

        public Person() {
            super(PROVIDER_ID, "POCLAB Entra person check",
                    "At every Entra sign-in: the user is the POCLAB person pinned to the ID token's tid + oid, enabled, not locked "
                            + "out, and holds a POCLAB factor (asked next); nobody enrolls here.",
                    new EntraAccountPersonAuthenticator(), AuthenticationExecutionModel.Requirement.REQUIRED);
        }
    }

    /** Browser flow fallback: Entra sign-in is not available. */
    public static final class Unavailable extends EntraAccountAuthenticatorFactory {
        public static final String PROVIDER_ID = "poclab-entra-account-unavailable";

        public Unavailable() {
            super(PROVIDER_ID, "POCLAB Entra sign-in unavailable",
                    "Reached when the Identity Provider Redirector did not send the person to Entra: a clear page and a LOGIN_ERROR.",
                    new EntraAccountUnavailableAuthenticator(), AuthenticationExecutionModel.Requirement.ALTERNATIVE,
                    AuthenticationExecutionModel.Requirement.REQUIRED);
        }
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String getDisplayType() {
        return displayType;
    }

    @Override
    public String getHelpText() {
        return helpText;
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return requirements;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return authenticator;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
