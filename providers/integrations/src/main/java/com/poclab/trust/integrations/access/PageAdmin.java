package com.poclab.trust.integrations.access;

import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.resources.admin.AdminAuth;

/**
 * Who is using the page, from master's identity cookie, and what they may change: the same
 * rule as the admin console (master-realm admin, or manage-realm on that realm).
 */
public record PageAdmin(UserModel user, UserSessionModel userSession, AdminAuth auth, boolean canManageEam, boolean canManageOkta) {

    /** @return null when nobody is signed in to realm master */
    public static PageAdmin signedIn(KeycloakSession session, RealmModel master, RealmModel eam, RealmModel okta) {
        AuthResult result = new AppAuthManager().authenticateIdentityCookie(session, master);
        if (result == null || result.user() == null || result.session() == null) {
            return null;
        }
        UserModel user = result.user();
        ClientModel client = SignInClient.of(master);
        return new PageAdmin(user, result.session(), new AdminAuth(master, result.token(), user, client),
                canManage(eam, master, user), canManage(okta, master, user));
    }

    /**
     * The master-realm roles the admin console checks for another realm: {@code admin} (a composite of
     * every realm's admin roles) or {@code manage-realm} of that realm's {@code <realm>-realm} client.
     */
    private static boolean canManage(RealmModel realm, RealmModel master, UserModel user) {
        if (realm == null) {
            return false;
        }
        RoleModel masterAdmin = master.getRole(AdminRoles.ADMIN);
        ClientModel realmAdminClient = realm.getMasterAdminClient();
        RoleModel manageRealm = realmAdminClient == null ? null : realmAdminClient.getRole(AdminRoles.MANAGE_REALM);
        return (masterAdmin != null && user.hasRole(masterAdmin)) || (manageRealm != null && user.hasRole(manageRealm));
    }

    public boolean mayUsePage() {
        return canManageEam || canManageOkta;
    }
}
