package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

/** People of realm master who sign in to the Integrations page, removed after the test. */
final class MasterUsers {

    private MasterUsers() {
    }

    /** A master user with a password and no role; returns their id. */
    static String withPassword(ManagedRealm master, String username, String password) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmail(username + "@poclab.test");
        user.setFirstName("Test");
        user.setLastName("Admin");
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        try (jakarta.ws.rs.core.Response created = master.admin().users().create(user)) {
            assertEquals(201, created.getStatus());
            String path = created.getLocation().getPath();
            String id = path.substring(path.lastIndexOf('/') + 1);
            master.cleanup().add(realm -> realm.users().get(id).remove());
            return id;
        }
    }

    /** Grants manage-realm of one realm (its {@code <realm>-realm} client in master), as the admin console does. */
    static void grantManageRealm(ManagedRealm master, String userId, String realmAdminClient) {
        String clientId = master.admin().clients().findByClientId(realmAdminClient).get(0).getId();
        RoleRepresentation manageRealm = master.admin().clients().get(clientId).roles().get("manage-realm").toRepresentation();
        master.admin().users().get(userId).roles().clientLevel(clientId).add(List.of(manageRealm));
    }
}
