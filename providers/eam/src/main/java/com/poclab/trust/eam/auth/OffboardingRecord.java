package com.poclab.trust.eam.auth;

import java.util.Locale;

import com.poclab.trust.common.OffboardingRecords;
import com.poclab.trust.eam.EamConstants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;

/**
 * The offboarding record ({@link OffboardingRecords}) of a deleted Entra person:
 * {@code offboarded-<oid>} carrying the person's Entra link ({@code entra_tid}, {@code entra_oid},
 * {@code entra_key}) and no email, so their UPN is free for whoever holds it next while their
 * object ID stays refused. Written when Keycloak announces the deletion
 * ({@link UserModel.UserPreRemovedEvent}, in the deletion's transaction), in realms that verify
 * Entra hints only; a realm being removed deletes its users without that event.
 */
public final class OffboardingRecord {

    private OffboardingRecord() {
    }

    /** Registered with the session factory: keeps a record for every deleted person with an Entra object ID. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof UserModel.UserPreRemovedEvent removed
                && OffboardingRecords.runsAuthenticator(removed.getRealm(), IdTokenHintAuthenticatorFactory.PROVIDER_ID)) {
            keep(removed.getKeycloakSession(), removed.getRealm(), removed.getUser());
        }
    }

    private static void keep(KeycloakSession session, RealmModel realm, UserModel person) {
        String oid = person.getFirstAttribute(EamConstants.ATTR_OID);
        if (oid == null || oid.isBlank() || OffboardingRecords.isRecord(person)) {
            // Declared by name only (never verified, no Entra identity to remember), or a record itself (re-admission).
            return;
        }
        String lower = oid.toLowerCase(Locale.ROOT);
        OffboardingRecords.keep(session, realm, person, lower, "Entra object ID " + oid).ifPresent(record -> {
            copy(person, record, EamConstants.ATTR_TID);
            record.setSingleAttribute(EamConstants.ATTR_OID, lower);
            copy(person, record, EamConstants.ATTR_KEY);
        });
    }

    private static void copy(UserModel from, UserModel to, String attribute) {
        String value = from.getFirstAttribute(attribute);
        if (value == null) {
            to.removeAttribute(attribute);
        } else {
            to.setSingleAttribute(attribute, value);
        }
    }
}
