package com.poclab.trust.okta;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import com.poclab.trust.common.OffboardingRecords;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;

/**
 * The offboarding record ({@link OffboardingRecords}) of a deleted Okta person:
 * {@code offboarded-<deleted user's id>} naming the username and email they were known by
 * ({@value #ATTR_NAMES}), which Okta's person types again. While no person holds that name, the
 * record refuses it at once in protocol form, under every enrollment policy ({@code first-use}
 * would otherwise create them afresh). A person an admin creates under that name is a person
 * again (the record then speaks for nobody); the CSV import refuses to re-declare the name, so a
 * department's file re-admits no leaver. Written when Keycloak announces the deletion
 * ({@link UserModel.UserPreRemovedEvent}, in its transaction), in realms whose flows ask
 * {@code poclab-okta-person} only; service accounts and records leave none.
 */
public final class OktaOffboardingRecord {

    /** The deleted person's username and email, in lower case (multi-valued). */
    public static final String ATTR_NAMES = "poclab_offboarded_name";

    private OktaOffboardingRecord() {
    }

    /** Registered with the session factory. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof UserModel.UserPreRemovedEvent removed
                && OffboardingRecords.runsAuthenticator(removed.getRealm(), OktaPersonAuthenticatorFactory.PROVIDER_ID)) {
            keep(removed.getKeycloakSession(), removed.getRealm(), removed.getUser());
        }
    }

    /** The record of a deleted person once known by {@code name} (username or email, any case), if any. */
    public static Optional<UserModel> find(KeycloakSession session, RealmModel realm, String name) {
        return session.users().searchForUserByUserAttributeStream(realm, ATTR_NAMES, name.trim().toLowerCase(Locale.ROOT))
                .filter(OffboardingRecords::isRecord).findFirst();
    }

    private static void keep(KeycloakSession session, RealmModel realm, UserModel person) {
        if (OffboardingRecords.isRecord(person) || person.getServiceAccountClientLink() != null) {
            return;
        }
        String[] names = Stream.of(person.getUsername(), person.getEmail())
                .filter(name -> name != null && !name.isBlank()).map(name -> name.toLowerCase(Locale.ROOT)).distinct()
                .toArray(String[]::new);
        OffboardingRecords.keep(session, realm, person, person.getId(), "the Okta name " + String.join(" / ", names))
                .ifPresent(record -> record.setAttribute(ATTR_NAMES, List.of(names)));
    }
}
