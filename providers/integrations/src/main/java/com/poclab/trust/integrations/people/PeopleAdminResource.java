package com.poclab.trust.integrations.people;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code POST /admin/realms/{realm}/poclab-people/import}: declares the people of a CSV body
 * ({@link PeopleCsv}) in the realm. Keycloak's admin API has already checked the bearer token;
 * the caller needs {@code manage-users} on the realm, the permission the admin console's
 * "Create user" needs. Answers 200 with the line-by-line {@link ImportReport} (some lines may be
 * errors), or 400/413 when the file cannot be read at all (nothing stored).
 */
public class PeopleAdminResource {

    static final String TEXT_CSV = "text/csv";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    public PeopleAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @POST
    @Path("import")
    @Consumes({TEXT_CSV, MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    public Response importPeople(InputStream body) throws IOException {
        auth.users().requireManage();
        byte[] bytes = body.readNBytes(PeopleCsv.MAX_BYTES + 1);
        List<PeopleCsv.Line> lines;
        try {
            if (bytes.length > PeopleCsv.MAX_BYTES) {
                throw PeopleCsv.tooLarge();
            }
            lines = PeopleCsv.parse(bytes);
        } catch (PeopleCsv.Unreadable e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", e.tooLarge() ? "file_too_large" : "unreadable_file");
            error.put("error_description", e.getMessage());
            return Response.status(e.tooLarge() ? 413 : 400).type(MediaType.APPLICATION_JSON).entity(error).build();
        }
        ImportReport report = new PeopleImport(session, realm, adminEvent, PeopleAdminResourceProviderFactory.PROVIDER_ID).run(lines);
        return Response.ok(report.toJson(), MediaType.APPLICATION_JSON).build();
    }
}
