package com.poclab.trust.common;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Never asks anything: its trigger runs in the request that completes every login, also
 * after a required action such as TOTP enrollment, and puts the flow's details
 * (client-request-id, tid, oid; see {@link PoclabEvents#flowDetail}) on that LOGIN event.
 * Keycloak gives each request a new event builder, and no authenticator runs in that one.
 */
public class FlowDetailsRequiredAction implements RequiredActionProvider, RequiredActionFactory {

    public static final String PROVIDER_ID = "poclab-flow-details";

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        PoclabEvents.withFlowDetails(context.getAuthenticationSession(), context.getEvent());
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.success();
    }

    @Override
    public void processAction(RequiredActionContext context) {
        context.success();
    }

    @Override
    public String getDisplayText() {
        return "POCLAB event details (never shown)";
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
    public List<org.keycloak.provider.ProviderConfigProperty> getConfigMetadata() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
