package com.poclab.trust.eam.auth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.poclab.trust.common.EnrollmentPolicy;
import com.poclab.trust.common.OffboardingRecords;
import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.hint.EntraHint;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Finds the POCLAB person an Entra hint names, by {@code tid} + {@code oid} only. A person an
 * admin declared ahead (no {@code entra_key} yet) is pinned to the hint's tid + oid on first
 * arrival: matched by a declared {@code entra_oid} when there is one (whatever the UPN), else
 * by UPN as username or email. From then on only that tid + oid matches, so a renamed UPN
 * follows the person and a recycled UPN never inherits their factor. Under
 * {@link EnrollmentPolicy#FIRST_USE} a stranger is created; under the other policies a stranger
 * is refused. A person an admin deleted is refused while their {@link OffboardingRecord} exists.
 */
public final class EntraPersonResolver {

    private static final Pattern USERNAME_SAFE = Pattern.compile("[a-z0-9._@-]{1,200}");

    /** Why no person could be resolved. */
    public enum Refusal {
        NOT_PROVISIONED("This person is not provisioned in POCLAB (the enrollment policy admits only declared people)"),
        UPN_PINNED_TO_ANOTHER_USER("The UPN belongs to a POCLAB person linked to another Entra user (a recycled UPN?)"),
        UPN_DECLARED_FOR_ANOTHER_OID("The UPN belongs to a POCLAB person declared with another Entra object ID (a recycled UPN?)"),
        OID_DECLARED_TWICE("Several POCLAB people are declared with this Entra object ID: an admin must keep one"),
        OFFBOARDED("This person was deleted from POCLAB (an offboarding record keeps them out)");

        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        /** What the event log says. */
        public String reason() {
            return reason;
        }
    }

    /** @param offboarding the record that refused the person, when {@code refusal} is {@link Refusal#OFFBOARDED} */
    public record Resolution(UserModel user, boolean created, boolean pinned, Refusal refusal, UserModel offboarding) {

        Resolution(UserModel user, boolean created, boolean pinned, Refusal refusal) {
            this(user, created, pinned, refusal, null);
        }

        static Resolution offboarded(UserModel record) {
            return new Resolution(null, false, false, Refusal.OFFBOARDED, record);
        }

        /** What the event log says when no person was resolved. */
        public String reason() {
            return offboarding != null ? OffboardingRecords.describe(offboarding) : refusal.reason();
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public EntraPersonResolver(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public static String linkKey(String tid, String oid) {
        return tid.toLowerCase(Locale.ROOT) + ":" + oid.toLowerCase(Locale.ROOT);
    }

    public Resolution resolve(EntraHint hint, EnrollmentPolicy policy) {
        Optional<Resolution> pinned = pinnedTo(hint.tenantId(), hint.objectId());
        if (pinned.isPresent()) {
            return pinned.get();
        }
        List<UserModel> declaredOid = declaredByOid(hint.objectId());
        Optional<UserModel> record = recordAmong(declaredOid);
        if (record.isPresent()) {
            // Deleted before their first verification: a person re-declared with the same oid waits for the record's removal.
            return Resolution.offboarded(record.get());
        }
        if (declaredOid.size() > 1) {
            return new Resolution(null, false, false, Refusal.OID_DECLARED_TWICE);
        }
        if (declaredOid.size() == 1) {
            UserModel user = declaredOid.get(0);
            link(user, hint);
            return new Resolution(user, false, true, null);
        }
        // A record is nobody's declaration (met here only if a hint's UPN were a record's username, offboarded-<oid>).
        Optional<UserModel> declared = declaredByName(hint).filter(user -> !OffboardingRecords.isRecord(user));
        if (declared.isPresent()) {
            UserModel user = declared.get();
            if (isPinned(user)) {
                // A recycled UPN: the name belongs to an earlier Entra user, whose factor stays theirs.
                return new Resolution(null, false, false, Refusal.UPN_PINNED_TO_ANOTHER_USER);
            }
            String oidOfDeclared = user.getFirstAttribute(EamConstants.ATTR_OID);
            if (oidOfDeclared != null && !oidOfDeclared.equalsIgnoreCase(hint.objectId())) {
                // Declared for another oid: the same verdict.
                return new Resolution(null, false, false, Refusal.UPN_DECLARED_FOR_ANOTHER_OID);
            }
            link(user, hint);
            return new Resolution(user, false, true, null);
        }
        if (policy != EnrollmentPolicy.FIRST_USE) {
            return new Resolution(null, false, false, Refusal.NOT_PROVISIONED);
        }
        return new Resolution(create(hint), true, false, null);
    }

    /**
     * Who the Entra user {@code tid} + {@code oid} is in POCLAB, pinning and creating nobody (the
     * account console's sign-in): the person pinned to them, or the offboarding record of a deleted
     * one, pinned or declared by oid; empty when POCLAB knows neither.
     */
    public Optional<Resolution> lookUp(String tid, String oid) {
        Optional<Resolution> pinned = pinnedTo(tid, oid);
        return pinned.isPresent() ? pinned : recordAmong(declaredByOid(oid)).map(Resolution::offboarded);
    }

    private Optional<Resolution> pinnedTo(String tid, String oid) {
        return session.users().searchForUserByUserAttributeStream(realm, EamConstants.ATTR_KEY, linkKey(tid, oid)).findFirst()
                .map(user -> OffboardingRecords.isRecord(user) ? Resolution.offboarded(user) : new Resolution(user, false, false, null));
    }

    private static Optional<UserModel> recordAmong(List<UserModel> declaredOid) {
        return declaredOid.stream().filter(OffboardingRecords::isRecord).findFirst();
    }

    /** Pinned = linked to a tid + oid by a first arrival (or created by one): {@code entra_key} is set. */
    public static boolean isPinned(UserModel user) {
        return user.getFirstAttribute(EamConstants.ATTR_KEY) != null;
    }

    /**
     * People an admin declared with this Entra object ID who are not pinned yet, at most two. Keycloak
     * compares attribute values exactly; the ID is looked up as Entra writes it (lower case), in upper
     * case and as the hint spells it, so a GUID an admin typed in capitals still matches.
     */
    private List<UserModel> declaredByOid(String oid) {
        Stream<UserModel> found = Stream.of(oid.toLowerCase(Locale.ROOT), oid.toUpperCase(Locale.ROOT), oid).distinct()
                .flatMap(spelling -> session.users().searchForUserByUserAttributeStream(realm, EamConstants.ATTR_OID, spelling));
        // Two decide: one declared person is pinned; two, or an offboarding record among them, are refused
        // (behind two others a record goes unseen, and the refusal then says "declared twice").
        return found.filter(user -> !isPinned(user)).distinct().limit(2).toList();
    }

    /** A person declared ahead of time under the hint's UPN (username or email). */
    private Optional<UserModel> declaredByName(EntraHint hint) {
        String upn = hint.upn() != null ? hint.upn() : hint.preferredUsername();
        if (upn == null || upn.isBlank()) {
            return Optional.empty();
        }
        String name = upn.toLowerCase(Locale.ROOT);
        UserModel user = session.users().getUserByUsername(realm, name);
        if (user == null && name.contains("@")) {
            user = session.users().getUserByEmail(realm, name);
        }
        return Optional.ofNullable(user);
    }

    private UserModel create(EntraHint hint) {
        String preferred = hint.preferredUsername() == null ? "" : hint.preferredUsername().toLowerCase(Locale.ROOT);
        String username = USERNAME_SAFE.matcher(preferred).matches() && session.users().getUserByUsername(realm, preferred) == null
                ? preferred : "entra-" + hint.objectId();
        UserModel user = session.users().addUser(realm, username);
        user.setEnabled(true);
        String email = hint.email() != null ? hint.email() : (preferred.contains("@") ? preferred : null);
        if (email != null && session.users().getUserByEmail(realm, email) == null) {
            user.setEmail(email);
        }
        user.setFirstName(hint.givenName() != null ? hint.givenName() : hint.name());
        user.setLastName(hint.familyName());
        link(user, hint);
        return user;
    }

    private static void link(UserModel user, EntraHint hint) {
        user.setSingleAttribute(EamConstants.ATTR_TID, hint.tenantId());
        user.setSingleAttribute(EamConstants.ATTR_OID, hint.objectId().toLowerCase(Locale.ROOT));
        user.setSingleAttribute(EamConstants.ATTR_KEY, linkKey(hint.tenantId(), hint.objectId()));
    }
}
