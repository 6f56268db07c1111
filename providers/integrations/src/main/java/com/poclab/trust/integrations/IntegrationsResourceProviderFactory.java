package com.poclab.trust.integrations;

import com.poclab.trust.integrations.access.SignInClient;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Mounts {@link IntegrationsResource} at {@code /realms/master/poclab-integrations/} (master
 * only: it edits other realms, as the admin console does) and makes sure its sign-in client exists.
 */
public class IntegrationsResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = IntegrationsConstants.PROVIDER_ID;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                boolean master = Config.getAdminRealm().equals(session.getContext().getRealm().getName());
                return master ? new IntegrationsResource(session) : null;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, SignInClient::ensure);
            }
        });
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void close() {
    }
}
