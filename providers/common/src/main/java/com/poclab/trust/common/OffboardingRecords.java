package com.poclab.trust.common;

import java.time.Instant;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * What remains of a person an admin deleted: a disabled Keycloak user
 * {@code offboarded-<key>} holding only what identified the person to Entra or Okta (no email,
 * no credential). Without it a deleted person would be a stranger again, and under the
 * {@code first-use} policy their next verification would create them afresh and let them
 * enroll: deletion would not lock them out. Records live in Keycloak's user store (persisted,
 * clustered, visible in the admin console); deleting one re-admits the person. Each flow keeps
 * its own kind ({@code OffboardingRecord} in realm eam, by Entra object ID;
 * {@code OktaOffboardingRecord} in realm okta, by username and email); this is what they share.
 */
public final class OffboardingRecords {

    private static final Logger LOG = Logger.getLogger(OffboardingRecords.class);

    /** When the person was deleted (ISO-8601); marks the user as a record. */
    public static final String ATTR_OFFBOARDED = "poclab_offboarded";
    /** The deleted person's username, for the admin who reads the record. */
    public static final String ATTR_USERNAME = "poclab_offboarded_username";
    public static final String USERNAME_PREFIX = "offboarded-";

    private OffboardingRecords() {
    }

    public static boolean isRecord(UserModel user) {
        return user.getFirstAttribute(ATTR_OFFBOARDED) != null;
    }

    /** The event log's reason for refusing the person a record stands for. */
    public static String describe(UserModel record) {
        return "This person was deleted from POCLAB on " + record.getFirstAttribute(ATTR_OFFBOARDED)
                + " (was " + record.getFirstAttribute(ATTR_USERNAME) + "); an admin re-admits them by deleting the user "
                + record.getUsername();
    }

    /**
     * The record {@code offboarded-<key>} for {@code person}, created or refreshed (disabled, the
     * person's names, when and who), for the caller to add what identifies them; empty when
     * another user already holds that name: it is never taken over (it may be a person, with
     * factors), and a WARN says that nothing keeps {@code what} out.
     */
    public static Optional<UserModel> keep(KeycloakSession session, RealmModel realm, UserModel person, String key, String what) {
        String username = USERNAME_PREFIX + key;
        UserModel record = session.users().getUserByUsername(realm, username);
        if (record == null) {
            record = session.users().addUser(realm, null, username, false, false);
        } else if (!isRecord(record)) {
            LOG.warnf("Realm %s: person %s deleted, but user %s (%s) is not an offboarding record: left unchanged, and no record"
                    + " keeps %s out; rename or delete that user to keep offboarding records working", realm.getName(),
                    person.getId(), username, record.getId(), what);
            return Optional.empty();
        }
        record.setEnabled(false);
        record.setFirstName(person.getFirstName());
        record.setLastName(person.getLastName());
        record.setSingleAttribute(ATTR_USERNAME, person.getUsername());
        record.setSingleAttribute(ATTR_OFFBOARDED, Instant.now().toString());
        LOG.infof("Realm %s: person %s deleted; offboarding record %s keeps %s out", realm.getName(), person.getId(), username, what);
        return Optional.of(record);
    }

    /** Whether some flow of {@code realm} runs the authenticator {@code providerId} (only there does a record refuse anyone). */
    public static boolean runsAuthenticator(RealmModel realm, String providerId) {
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .anyMatch(execution -> providerId.equals(execution.getAuthenticator()));
    }
}
