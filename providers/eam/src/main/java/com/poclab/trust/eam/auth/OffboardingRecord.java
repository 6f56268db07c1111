package com.poclab.trust.eam.auth;

import java.time.Instant;
import java.util.Locale;

import com.poclab.trust.eam.EamConstants;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;

/**
 * What remains of an Entra person an admin deleted: a disabled Keycloak user
 * {@code offboarded-<oid>} carrying the person's Entra link and nothing else (no email, no
 * credential). Without it, a deleted person would be a stranger again, and under the
 * {@code first-use} policy their next Entra-verified request would create them afresh and let
 * them enroll: deletion would not lock them out. The record lives in Keycloak's user store
 * (persisted, clustered, visible in the admin console); deleting it re-admits the person.
 * Written when Keycloak announces the deletion ({@link UserModel.UserPreRemovedEvent}, in the
 * deletion's transaction), in realms that verify Entra hints only; a realm being removed deletes its
 * users without that event.
 */
public final class OffboardingRecord {

    private static final Logger LOG = Logger.getLogger(OffboardingRecord.class);

    /** When the person was deleted (ISO-8601); marks the user as a record. */
    public static final String ATTR_OFFBOARDED = "poclab_offboarded";
    /** The deleted person's username, for the admin who reads the record. */
    public static final String ATTR_USERNAME = "poclab_offboarded_username";
    public static final String USERNAME_PREFIX = "offboarded-";

    private OffboardingRecord() {
    }

    /** Registered with the session factory: keeps a record for every deleted person with an Entra object ID. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof UserModel.UserPreRemovedEvent removed && verifiesEntraHints(removed.getRealm())) {
            keep(removed.getKeycloakSession(), removed.getRealm(), removed.getUser());
        }
    }

    /** Only a realm whose flows ask {@code poclab-eam-hint} resolves Entra people, so only there does a record refuse anyone. */
    static boolean verifiesEntraHints(RealmModel realm) {
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .anyMatch(execution -> IdTokenHintAuthenticatorFactory.PROVIDER_ID.equals(execution.getAuthenticator()));
    }

    public static boolean isRecord(UserModel user) {
        return user.getFirstAttribute(ATTR_OFFBOARDED) != null;
    }

    public static String username(String oid) {
        return USERNAME_PREFIX + oid.toLowerCase(Locale.ROOT);
    }

    /** The event log's reason for refusing the person a record stands for. */
    public static String describe(UserModel record) {
        return "This person was deleted from POCLAB on " + record.getFirstAttribute(ATTR_OFFBOARDED)
                + " (was " + record.getFirstAttribute(ATTR_USERNAME) + "); an admin re-admits them by deleting the user "
                + record.getUsername();
    }

    private static void keep(KeycloakSession session, RealmModel realm, UserModel person) {
        String oid = person.getFirstAttribute(EamConstants.ATTR_OID);
        if (oid == null || oid.isBlank() || isRecord(person)) {
            // Declared by name only (never verified, no Entra identity to remember), or a record itself (re-admission).
            return;
        }
        String username = username(oid);
        UserModel record = session.users().getUserByUsername(realm, username);
        if (record == null) {
            record = session.users().addUser(realm, null, username, false, false);
        } else if (!isRecord(record)) {
            // Someone else's user under the record's name: never taken over (it may be a person, with factors).
            LOG.warnf("Realm %s: person %s deleted, but user %s (%s) is not an offboarding record: left unchanged, and no record"
                    + " keeps Entra object ID %s out; rename or delete that user to keep offboarding records working", realm.getName(),
                    person.getId(), username, record.getId(), oid);
            return;
        }
        record.setEnabled(false);
        record.setFirstName(person.getFirstName());
        record.setLastName(person.getLastName());
        copy(person, record, EamConstants.ATTR_TID);
        record.setSingleAttribute(EamConstants.ATTR_OID, oid.toLowerCase(Locale.ROOT));
        copy(person, record, EamConstants.ATTR_KEY);
        record.setSingleAttribute(ATTR_USERNAME, person.getUsername());
        record.setSingleAttribute(ATTR_OFFBOARDED, Instant.now().toString());
        LOG.infof("Realm %s: person %s deleted; offboarding record %s keeps Entra object ID %s out", realm.getName(),
                person.getId(), username, oid);
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
