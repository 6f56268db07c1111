package com.poclab.trust.integrations.people;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import jakarta.ws.rs.core.Response;

import com.poclab.trust.integrations.IntegrationsConstants;
import org.keycloak.http.FormPartValue;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * A CSV uploaded on the Integrations page, imported exactly as the REST endpoint does; what the
 * card then shows (the report, or why the file was refused).
 */
public final class PeopleUpload {

    /** Name of the file input of the upload form. */
    public static final String FILE_FIELD = "people";

    private final String realm;
    private final ImportReport report;
    private final String refusal;
    private final boolean tooLarge;

    private PeopleUpload(String realm, ImportReport report, String refusal, boolean tooLarge) {
        this.realm = realm;
        this.report = report;
        this.refusal = refusal;
        this.tooLarge = tooLarge;
    }

    /** manage-users on the realm, through Keycloak's admin permissions (the admin console's rule for creating users). */
    public static boolean mayImport(KeycloakSession session, RealmModel realm, AdminAuth auth) {
        // Keycloak evaluates an admin who is not a master admin through their token's client (as
        // for the admin console's own token); on the page that client is the page's sign-in client.
        ClientModel pageClient = session.getContext().getClient();
        session.getContext().setClient(auth.getClient());
        try {
            return AdminPermissions.evaluator(session, realm, auth).users().canManage();
        } finally {
            session.getContext().setClient(pageClient);
        }
    }

    /** Imports into {@code realm}; the page's session context is master's, the user profile needs the realm's. */
    public static PeopleUpload run(KeycloakSession session, RealmModel realm, FormPartValue file, AdminEventBuilder adminEvent) {
        if (file == null) {
            return new PeopleUpload(realm.getName(), null, "Choose a CSV file to import", false);
        }
        byte[] bytes;
        try (InputStream in = file.asInputStream()) {
            bytes = in.readNBytes(PeopleCsv.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PeopleCsv.Unreadable unreadable = null;
        List<PeopleCsv.Line> lines = null;
        try {
            if (bytes.length > PeopleCsv.MAX_BYTES) {
                throw PeopleCsv.tooLarge();
            }
            lines = PeopleCsv.parse(bytes);
        } catch (PeopleCsv.Unreadable e) {
            unreadable = e;
        }
        if (unreadable != null) {
            return new PeopleUpload(realm.getName(), null, unreadable.getMessage(), unreadable.tooLarge());
        }
        RealmModel pageRealm = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            return new PeopleUpload(realm.getName(), new PeopleImport(session, realm, adminEvent, IntegrationsConstants.PROVIDER_ID).run(lines), null, false);
        } finally {
            session.getContext().setRealm(pageRealm);
        }
    }

    public Response.Status status() {
        return refusal == null ? Response.Status.OK : tooLarge ? Response.Status.REQUEST_ENTITY_TOO_LARGE : Response.Status.BAD_REQUEST;
    }

    public String getRealm() {
        return realm;
    }

    public ImportReport getReport() {
        return report;
    }

    public String getRefusal() {
        return refusal;
    }
}
