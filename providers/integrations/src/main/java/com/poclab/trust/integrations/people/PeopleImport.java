package com.poclab.trust.integrations.people;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.poclab.trust.common.OffboardingRecords;
import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.auth.EntraPersonResolver;
import com.poclab.trust.integrations.people.ImportReport.Status;
import com.poclab.trust.integrations.people.PeopleCsv.Declaration;
import com.poclab.trust.integrations.people.PeopleCsv.Line;
import com.poclab.trust.integrations.people.PeopleCsv.Refused;
import com.poclab.trust.okta.OktaOffboardingRecord;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.ModelToRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.theme.Theme;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;

/**
 * Declares the people of a CSV in one realm, as an admin would one by one in the admin console:
 * each new person goes through Keycloak's user profile (the realm's validation rules) and is an
 * admin CREATE event; an Entra object ID is the {@code entra_oid} attribute that
 * {@link EntraPersonResolver} pins on first arrival. A bad line changes nothing and does not stop
 * the others; importing the same file again changes nothing.
 */
public final class PeopleImport {

    private static final Logger LOG = Logger.getLogger(PeopleImport.class);
    static final String EVENT_DETAIL = "poclab";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminEventBuilder adminEvent;
    private final boolean entraRealm;
    private final String providerId;
    private Properties messages;

    /**
     * @param adminEvent bound to {@code realm} and the admin who imports
     * @param providerId the {@code poclab} detail of the admin events (which door the import came through)
     */
    public PeopleImport(KeycloakSession session, RealmModel realm, AdminEventBuilder adminEvent, String providerId) {
        this.session = session;
        this.realm = realm;
        this.adminEvent = adminEvent;
        this.providerId = providerId;
        this.entraRealm = isEntraRealm(realm);
    }

    /** A realm whose people arrive from Entra: it holds the EAM settings of the id_token_hint step. */
    public static boolean isEntraRealm(RealmModel realm) {
        return realm.getAuthenticatorConfigByAlias(EamConstants.SETTINGS_ALIAS) != null;
    }

    public ImportReport run(List<Line> lines) {
        ImportReport report = new ImportReport(realm.getName());
        Map<String, Integer> upns = new HashMap<>();
        Map<String, Integer> oids = new HashMap<>();
        Map<String, Integer> emails = new HashMap<>();
        for (Line line : lines) {
            if (line instanceof Refused refused) {
                report.add(refused.line(), refused.upn(), Status.ERROR, refused.reason());
                continue;
            }
            Declaration d = (Declaration) line;
            if (d.oid() != null && !entraRealm) {
                report.add(d.line(), d.upn(), Status.ERROR, "Realm " + realm.getName()
                        + " matches people by username or email, never by Entra object ID: leave that column empty");
                continue;
            }
            String duplicate = duplicate(d, upns, oids, emails);
            if (duplicate != null) {
                report.add(d.line(), d.upn(), Status.ERROR, duplicate + ": only the first line is imported");
                continue;
            }
            try {
                declare(d, report);
            } catch (ModelException e) {
                LOG.warnf("People import into realm %s, line %d: %s", realm.getName(), d.line(), e.getMessage());
                report.add(d.line(), d.upn(), Status.ERROR, "Keycloak refused this person: " + e.getMessage());
            }
        }
        adminEvent.operation(OperationType.ACTION).resource(ResourceType.USER).resourcePath(providerId, "import")
                .representation(report.summary()).detail(EVENT_DETAIL, providerId).success();
        LOG.infof("People import into realm %s: %s", realm.getName(), report.summary());
        return report;
    }

    private static String duplicate(Declaration d, Map<String, Integer> upns, Map<String, Integer> oids, Map<String, Integer> emails) {
        Integer earlier = upns.get(d.upn());
        if (earlier == null && d.email() != null) {
            earlier = emails.containsKey(d.email()) ? emails.get(d.email()) : upns.get(d.email());
        }
        if (earlier != null) {
            return "The same UPN/email as line " + earlier;
        }
        if (d.oid() != null && oids.containsKey(d.oid())) {
            return "The same Entra object ID as line " + oids.get(d.oid());
        }
        upns.put(d.upn(), d.line());
        if (d.email() != null) {
            emails.putIfAbsent(d.email(), d.line());
        }
        if (d.oid() != null) {
            oids.put(d.oid(), d.line());
        }
        return null;
    }

    private void declare(Declaration d, ImportReport report) {
        UserModel byName = session.users().getUserByUsername(realm, d.upn());
        String matchedBy = "username";
        if (byName == null && d.email() != null) {
            byName = session.users().getUserByEmail(realm, d.email());
            matchedBy = "email";
        }
        if (byName == null && d.upn().contains("@")) {
            byName = session.users().getUserByEmail(realm, d.upn());
            matchedBy = "email";
        }
        // An offboarding record for this oid speaks first: the person stays out until an admin deletes it.
        UserModel byOid = d.oid() == null ? null
                : session.users().searchForUserByUserAttributeStream(realm, EamConstants.ATTR_OID, d.oid())
                        .sorted(Comparator.comparing(user -> !OffboardingRecords.isRecord(user))).findFirst().orElse(null);
        if (byOid != null && OffboardingRecords.isRecord(byOid)) {
            report.add(d.line(), d.upn(), Status.ERROR, OffboardingRecords.describe(byOid) + ". Nothing changed");
            return;
        }
        if (byName != null && byOid != null && !byName.getId().equals(byOid.getId())) {
            report.add(d.line(), d.upn(), Status.ERROR, "The UPN belongs to " + byName.getUsername() + " but the Entra object ID to "
                    + byOid.getUsername() + ": nothing changed");
            return;
        }
        if (byName == null && byOid == null) {
            // The name of a deleted Okta person: the file would re-admit a leaver (an admin re-admits one by deleting the record).
            UserModel record = Stream.of(d.upn(), d.email()).filter(Objects::nonNull)
                    .map(name -> OktaOffboardingRecord.find(session, realm, name)).flatMap(Optional::stream).findFirst().orElse(null);
            if (record != null) {
                report.add(d.line(), d.upn(), Status.ERROR, OffboardingRecords.describe(record) + ". Nothing changed");
                return;
            }
            create(d, report);
            return;
        }
        UserModel person = byName != null ? byName : byOid;
        String note = byName == null ? "matched by Entra object ID (as " + person.getUsername() + ")"
                : matchedBy.equals("email") ? "matched by email (as " + person.getUsername() + ")" : null;
        String declaredOid = person.getFirstAttribute(EamConstants.ATTR_OID);
        boolean pinned = EntraPersonResolver.isPinned(person);
        if (d.oid() != null && declaredOid != null && !declaredOid.equalsIgnoreCase(d.oid())) {
            report.add(d.line(), d.upn(), Status.ERROR, pinned
                    ? person.getUsername() + " is pinned to Entra object ID " + declaredOid + " since their first verification; the line names "
                            + d.oid() + " (a recycled UPN?). Nothing changed"
                    : person.getUsername() + " is declared with Entra object ID " + declaredOid + "; the line names " + d.oid()
                            + ". Nothing changed: correct entra_oid in the admin console if the file is right");
            return;
        }
        if (d.oid() != null && declaredOid == null) {
            person.setSingleAttribute(EamConstants.ATTR_OID, d.oid());
            event(OperationType.UPDATE, person);
            report.add(d.line(), d.upn(), Status.UPDATED, join("Entra object ID declared", note));
            return;
        }
        report.add(d.line(), d.upn(), Status.UNCHANGED, join(pinned ? "Already pinned to Entra" : "Already declared", note));
    }

    private void create(Declaration d, ImportReport report) {
        Map<String, List<String>> attributes = new HashMap<>();
        attributes.put(UserModel.USERNAME, List.of(d.upn()));
        if (d.email() != null) {
            attributes.put(UserModel.EMAIL, List.of(d.email()));
        }
        if (d.displayName() != null) {
            // Keycloak has no display name: like a person Entra creates without given/family names.
            attributes.put(UserModel.FIRST_NAME, List.of(d.displayName()));
        }
        if (d.oid() != null) {
            attributes.put(EamConstants.ATTR_OID, List.of(d.oid()));
        }
        UserProfile profile = session.getProvider(UserProfileProvider.class).create(UserProfileContext.USER_API, attributes);
        UserModel user;
        try {
            user = profile.create();
        } catch (ValidationException e) {
            report.add(d.line(), d.upn(), Status.ERROR, describe(e));
            return;
        }
        user.setEnabled(true);
        event(OperationType.CREATE, user);
        report.add(d.line(), d.upn(), Status.CREATED, d.oid() == null ? "Declared" : "Declared with Entra object ID " + d.oid());
    }

    private void event(OperationType operation, UserModel user) {
        UserRepresentation rep = ModelToRepresentation.toRepresentation(session, realm, user);
        adminEvent.operation(operation).resource(ResourceType.USER).resourcePath("users", user.getId())
                .representation(rep).detail(EVENT_DETAIL, providerId).success();
    }

    /** The user profile's reasons in the words of Keycloak's own messages (login theme, English). */
    private String describe(ValidationException e) {
        return e.getErrors().stream()
                .map(error -> error.getAttribute() + ": " + error.getFormattedMessage(this::format))
                .distinct().collect(Collectors.joining("; "));
    }

    private String format(String key, Object[] parameters) {
        if (messages == null) {
            try {
                messages = session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, Locale.ENGLISH);
            } catch (IOException e) {
                messages = new Properties();
            }
        }
        return new MessageFormat(messages.getProperty(key, key), Locale.ENGLISH).format(parameters);
    }

    private static String join(String message, String note) {
        return note == null ? message : message + "; " + note;
    }
}
