package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.poclab.trust.okta.OktaConstants;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Issue 9, offboarding: a person verified once (their browser keeps its cookies) is disabled
 * or deleted by an admin, and their next verification fails at once: Entra receives
 * {@code error=access_denied}, Okta receives an OAuth error (or, for a deleted person, no
 * code), and the event log says why.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class OffboardingIT {

    private static final String TENANT = TestEntra.newGuid();
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectAdminClient
    Keycloak admin;

    private TestOkta testOkta;

    @BeforeAll
    static void startEntra() throws Exception {
        entra = new TestEntra();
    }

    @AfterAll
    static void stopEntra() {
        entra.close();
    }

    @BeforeEach
    void connectEntraAndOkta() {
        PoclabEam.trust(eam.admin(), entra, TENANT);
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(okta.admin());
        integration.configureOrg(OktaFlowIT.ORG, null);
        testOkta = new TestOkta(urls.getBase() + "/realms/" + PoclabRealms.OKTA, OktaConstants.CLIENT_ID, integration.secret(),
                OktaFlowIT.CALLBACK);
    }

    @AfterEach
    void restore() throws Exception {
        PoclabEam.trust(eam.admin(), entra, TENANT);
        testOkta.close();
    }

    // ---- Entra -------------------------------------------------------------------------------

    @Test
    @DisplayName("Entra: the admin disables a verified person -> Entra's next request for them gets access_denied, same browser")
    void aDisabledPersonIsRefusedToEntraAtOnce() throws Exception {
        String oid = TestEntra.newGuid();
        try (Browser browser = new Browser(urls.getBase())) {
            enrollAtEntra(browser, oid);
            String userId = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();

            setEnabled(eam.admin(), userId, false);

            Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
            assertEntraAccessDenied(browser.post(entraAuth(), next), next, "user_disabled");
        }
    }

    @Test
    @DisplayName("Entra (pre-provisioned): the admin deletes a verified person -> access_denied, same browser, nobody re-created")
    void aDeletedPersonIsRefusedToEntraAtOnce() throws Exception {
        PoclabEam.configure(eam.admin(), Map.of("enrollment.policy", "pre-provisioned"));
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder first = entra.hint(TENANT, oid);
        String upn = String.valueOf(first.claimValue("upn"));
        String userId = declare(eam.admin(), upn);
        try (Browser browser = new Browser(urls.getBase())) {
            enrollAtEntra(browser, first);

            eam.admin().users().get(userId).remove();

            Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
            assertEntraAccessDenied(browser.post(entraAuth(), next), next, "eam_user_offboarded");
        }
        assertEquals("offboarded-" + oid, offboardingRecord(oid).getUsername(), "only the offboarding record carries the link");
        assertTrue(eam.admin().users().search(upn, true).isEmpty(), "not re-created");
    }

    @Test
    @DisplayName("Entra (first use, the default): the admin deletes a verified person -> access_denied, not re-created;"
            + " deleting the offboarding record re-admits them with a new factor")
    void aDeletedPersonStaysOutUnderFirstUseUntilTheAdminDeletesTheOffboardingRecord() throws Exception {
        String oid = TestEntra.newGuid();
        try (Browser browser = new Browser(urls.getBase())) {
            enrollAtEntra(browser, oid);
            UserRepresentation person = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0);

            eam.admin().users().get(person.getId()).remove();

            // Entra has verified the person's password, but POCLAB remembers the deletion: no new person, no enrollment.
            for (int attempt = 0; attempt < 2; attempt++) {
                Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
                EventRepresentation refused = assertEntraAccessDenied(browser.post(entraAuth(), next), next, "eam_user_offboarded");
                assertTrue(refused.getDetails().get("reason").contains("offboarded-" + oid), refused.getDetails().get("reason"));
            }
            // What the admin finds in the console: a disabled record with the old username, no email, no credential.
            UserRepresentation record = offboardingRecord(oid);
            assertFalse(record.isEnabled());
            assertNull(record.getEmail(), "the UPN stays free for whoever holds it next");
            assertEquals(person.getUsername(), record.getAttributes().get("poclab_offboarded_username").get(0));
            assertNotNull(record.getAttributes().get("poclab_offboarded"));
            assertTrue(eam.admin().users().get(record.getId()).credentials().isEmpty(), "no factor survives the deletion");

            // Re-admission: the admin deletes the record (which leaves no record of its own); the person enrolls afresh.
            eam.admin().users().get(record.getId()).remove();
            assertTrue(eam.admin().users().searchByAttributes("entra_oid:" + oid).isEmpty(), "no record of the record");
            enrollAtEntra(browser, oid);
        }
        UserRepresentation back = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0);
        assertTrue(back.isEnabled());
        assertNull(back.getAttributes().get("poclab_offboarded"));
    }

    @Test
    @DisplayName("The admin imports the department's CSV again after a person left: the leaver's line is an error naming the"
            + " offboarding record, and Entra still gets access_denied")
    void aCsvLineForADeletedPersonReadmitsNobody() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder first = entra.hint(TENANT, oid);
        String upn = String.valueOf(first.claimValue("upn"));
        String csv = "upn,entra_oid,display_name\n" + upn + "," + oid + ",Pat Lee\n";
        assertEquals("created", importCsv(csv).get("results").get(0).get("status").asText());
        try (Browser browser = new Browser(urls.getBase())) {
            enrollAtEntra(browser, first);
            String userId = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
            eam.admin().users().get(userId).remove();

            JsonNode line = importCsv(csv).get("results").get(0);
            assertEquals("error", line.get("status").asText(), line.toString());
            assertTrue(line.get("message").asText().contains("offboarded-" + oid), line.toString());
            assertTrue(eam.admin().users().search(upn, true).isEmpty(), "the line created nobody");

            Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
            assertEntraAccessDenied(browser.post(entraAuth(), next), next, "eam_user_offboarded");
        }
    }

    @Test
    @DisplayName("An Entra person is deleted while someone else's user is named offboarded-<oid> -> that user is left unchanged"
            + " (never taken over as the record), and the server log warns that nothing keeps the oid out")
    void aUserNamedLikeTheRecordIsNeverTakenOver() throws Exception {
        String oid = TestEntra.newGuid();
        UserRepresentation other = new UserRepresentation();
        other.setUsername("offboarded-" + oid);
        other.setFirstName("Sam");
        other.setLastName("Other");
        other.setEnabled(true);
        String otherId;
        try (Response created = eam.admin().users().create(other)) {
            otherId = CreatedResponseUtil.getCreatedId(created);
        }
        try (Browser browser = new Browser(urls.getBase()); ServerLog log = ServerLog.capture()) {
            enrollAtEntra(browser, oid);
            String personId = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
            eam.admin().users().get(personId).remove();
            assertTrue(log.awaitLine("is not an offboarding record", 5000), "the deletion warns: " + log.lines());
        }
        UserRepresentation after = eam.admin().users().get(otherId).toRepresentation();
        assertTrue(after.isEnabled(), "still enabled");
        assertEquals("Sam", after.getFirstName());
        assertTrue(after.getAttributes() == null || (after.getAttributes().get("poclab_offboarded") == null
                && after.getAttributes().get("entra_oid") == null), "no record written onto it: " + after.getAttributes());
    }

    @Test
    @DisplayName("Realm okta: an admin deletes a user carrying an entra_oid attribute -> no Entra offboarding record there (only"
            + " realms that verify Entra hints keep one; realm okta keeps its own, by name)")
    void noOffboardingRecordOutsideRealmsThatVerifyEntraHints() {
        String oid = TestEntra.newGuid();
        String userId = declare(okta.admin(), "copied-" + oid.substring(0, 8) + "@acme.com");
        UserRepresentation rep = okta.admin().users().get(userId).toRepresentation();
        rep.setAttributes(Map.of("entra_oid", List.of(oid)));
        okta.admin().users().get(userId).update(rep);
        assertEquals(List.of(oid), okta.admin().users().get(userId).toRepresentation().getAttributes().get("entra_oid"),
                "the attribute is stored (realm okta keeps unmanaged attributes)");

        okta.admin().users().get(userId).remove();

        assertTrue(okta.admin().users().search("offboarded-" + oid, true).isEmpty(), "no record in realm okta");
        assertTrue(okta.admin().users().searchByAttributes("entra_oid:" + oid).isEmpty());
    }

    // ---- Okta --------------------------------------------------------------------------------

    @Test
    @DisplayName("Okta: the admin disables a verified person -> Okta's callback gets error=access_denied with its state, same browser")
    void aDisabledPersonIsRefusedToOktaAtOnce() throws Exception {
        String username = "leaver-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
        String userId = declare(okta.admin(), username);
        try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
            signInAtOkta(browser, username);

            setEnabled(okta.admin(), userId, false);

            assertOktaAccessDenied(browser, username, "This person is disabled in POCLAB");
        }
        EventRepresentation refused = oktaLoginErrors(userId).get(0);
        assertEquals("user_disabled", refused.getError());
        assertEquals("The POCLAB person is disabled", refused.getDetails().get("reason"));
    }

    @Test
    @DisplayName("Okta (pre-provisioned, the default): the admin deletes a verified person -> Okta's callback gets"
            + " error=access_denied at once, same browser; an event naming the offboarding record; nobody re-created")
    void aDeletedPersonIsRefusedToOktaAtOnce() throws Exception {
        String username = "deleted-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
        String userId = declare(okta.admin(), username);
        try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
            signInAtOkta(browser, username);

            okta.admin().users().get(userId).remove();

            assertOktaRefusesTheLeaver(browser, username, userId);
        }
        assertTrue(okta.admin().users().search(username, true).isEmpty(), "not re-created");
        UserRepresentation record = oktaRecord(userId);
        assertFalse(record.isEnabled(), "the record is disabled");
        assertNull(record.getEmail(), "the record holds no email: " + record.getEmail());
        assertEquals(List.of(username), record.getAttributes().get("poclab_offboarded_name"));
        assertEquals(List.of(username), record.getAttributes().get("poclab_offboarded_username"));
        assertTrue(okta.admin().users().get(record.getId()).credentials().isEmpty(), "no credential");
    }

    @Test
    @DisplayName("Okta (first use): the admin deletes a verified person -> refused at once (their name typed in another case too),"
            + " not re-created; the CSV re-import of their line is an error; once the admin deletes the record they enroll anew")
    void aDeletedOktaPersonStaysOutUnderFirstUseUntilTheAdminDeletesTheRecord() throws Exception {
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(okta.admin());
        integration.setPolicy("first-use");
        String username = "firstuse-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
        try {
            String userId;
            try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
                signInAtOkta(browser, username);
                userId = okta.admin().users().search(username, true).get(0).getId();

                okta.admin().users().get(userId).remove();

                assertOktaRefusesTheLeaver(browser, username, userId);
                assertOktaRefusesTheLeaver(browser, username.toUpperCase(Locale.ROOT), userId);
            }
            assertTrue(okta.admin().users().search(username, true).isEmpty(), "not re-created under first use");
            UserRepresentation record = oktaRecord(userId);

            JsonNode line = importCsv("okta", "upn,display_name\n" + username + ",Pat Lee\n").get("results").get(0);
            assertEquals("error", line.get("status").asText(), line.toString());
            assertTrue(line.get("message").asText().contains(record.getUsername()), line.toString());
            assertTrue(okta.admin().users().search(username, true).isEmpty(), "the CSV re-admits nobody");

            okta.admin().users().get(record.getId()).remove();

            assertTrue(okta.admin().users().search(record.getUsername(), true).isEmpty(), "the record is gone");
            try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
                signInAtOkta(browser, username);
            }
            assertEquals(1, okta.admin().users().search(username, true).size(), "re-admitted: a new person, a new factor");
        } finally {
            integration.setPolicy(null);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private String entraAuth() {
        return urls.getBase() + "/realms/eam/protocol/openid-connect/auth";
    }

    private void enrollAtEntra(Browser browser, String oid) {
        enrollAtEntra(browser, entra.hint(TENANT, oid));
    }

    /** First verification: TOTP enrollment, Entra gets its id_token; the browser keeps Keycloak's cookies. */
    private void enrollAtEntra(Browser browser, TestEntra.HintBuilder hint) {
        Browser.Page setup = browser.post(entraAuth(), PoclabEam.entraRequest(hint.build()));
        Element form = setup.form("#kc-totp-settings-form");
        TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
        Map<String, String> posted = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")))
                .formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted.get("id_token"), "the first verification passes");
    }

    /** First verification at Okta: TOTP enrollment, Okta gets a code; the browser keeps Keycloak's cookies. */
    private void signInAtOkta(PersonBrowser browser, String username) {
        TestOkta.Authorization authz = testOkta.authorize(username, false);
        PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
        Element setup = page.form("kc-totp-settings-form");
        TotpDevice phone = new TotpDevice(setup.selectFirst("input[name=totpSecret]").val());
        page = RecoveryCodes.save(browser, browser.submit(setup, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
        assertNotNull(page.redirectParams().get("code"), "the first verification passes");
    }

    private EventRepresentation assertEntraAccessDenied(Browser.Page page, Map<String, String> request, String eventError) {
        Map<String, String> posted = page.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "POCLAB posts back to Entra's redirect_uri:\n" + page.body());
        assertEquals("access_denied", posted.get("error"));
        assertEquals(request.get("state"), posted.get("state"));
        assertFalse(posted.containsKey("id_token"));
        EventRepresentation event = eam.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 500).stream()
                .filter(e -> e.getDetails() != null && request.get("client-request-id").equals(e.getDetails().get("client_request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no LOGIN_ERROR for this request"));
        assertEquals(eventError, event.getError());
        assertNotNull(event.getDetails().get("reason"), "the event says why");
        return event;
    }

    /** The one user left holding the Entra object ID after a deletion. */
    private UserRepresentation offboardingRecord(String oid) {
        List<UserRepresentation> holders = eam.admin().users().searchByAttributes("entra_oid:" + oid);
        assertEquals(1, holders.size(), "one record: " + holders);
        return eam.admin().users().get(holders.get(0).getId()).toRepresentation();
    }

    /** The admin REST door of the people import (what the integrations page's upload calls). */
    private JsonNode importCsv(String csv) throws Exception {
        return importCsv("eam", csv);
    }

    private JsonNode importCsv(String realm, String csv) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(urls.getBase() + "/admin/realms/" + realm + "/poclab-people/import"))
                .header("Content-Type", "text/csv; charset=utf-8")
                .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString())
                .POST(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }

    /**
     * The leaver's name at Okta's next verification, in {@code browser} (which holds the cookies of
     * their earlier one): an access_denied answer to Okta with its state, no code, no factor asked,
     * and a LOGIN_ERROR {@code okta_user_offboarded} whose reason names the record.
     */
    private void assertOktaRefusesTheLeaver(PersonBrowser browser, String typed, String deletedId) {
        long started = System.currentTimeMillis();
        assertOktaAccessDenied(browser, typed, "This person was removed from POCLAB");
        List<EventRepresentation> refused = okta.admin().getEvents(List.of("LOGIN_ERROR"), OktaConstants.CLIENT_ID, null, null, null,
                null, 0, 200).stream().filter(e -> e.getTime() >= started && typed.equals(e.getDetails().get("username"))).toList();
        assertEquals(1, refused.size(), "one LOGIN_ERROR for " + typed + ": " + refused.stream().map(EventRepresentation::getDetails).toList());
        assertEquals("okta_user_offboarded", refused.get(0).getError());
        assertTrue(refused.get(0).getDetails().get("reason").contains("offboarded-" + deletedId), refused.get(0).getDetails().toString());
    }

    /** Okta's verification for {@code typed}: its callback gets access_denied with {@code description} and its state, no code. */
    private void assertOktaAccessDenied(PersonBrowser browser, String typed, String description) {
        TestOkta.Authorization authz = testOkta.authorize(typed, false);
        PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
        assertNotNull(page.redirect(), "an answer to Okta, not a Keycloak page: " + page.text());
        assertTrue(page.redirect().toString().startsWith(OktaFlowIT.CALLBACK + "?"), page.redirect().toString());
        Map<String, String> params = page.redirectParams();
        assertEquals("access_denied", params.get("error"));
        assertEquals(description, params.get("error_description"));
        assertEquals(authz.state(), params.get("state"));
        assertNull(params.get("code"));
    }

    /** The Okta offboarding record of the deleted user {@code deletedId}. */
    private UserRepresentation oktaRecord(String deletedId) {
        List<UserRepresentation> records = okta.admin().users().search("offboarded-" + deletedId, true);
        assertEquals(1, records.size(), "one record: " + records);
        return okta.admin().users().get(records.get(0).getId()).toRepresentation();
    }

    private List<EventRepresentation> oktaLoginErrors(String userId) {
        List<EventRepresentation> events = okta.admin().getEvents(List.of("LOGIN_ERROR"), OktaConstants.CLIENT_ID, userId, null, null,
                null, 0, 20);
        assertFalse(events.isEmpty(), "no LOGIN_ERROR for " + userId);
        return events;
    }

    /** What an admin does in the console's user page: the Enabled switch. */
    private static void setEnabled(RealmResource realm, String userId, boolean enabled) {
        UserRepresentation user = realm.users().get(userId).toRepresentation();
        user.setEnabled(enabled);
        realm.users().get(userId).update(user);
    }

    private static String declare(RealmResource realm, String username) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(username);
        user.setEmailVerified(true);
        user.setFirstName("Pat");
        user.setLastName("Lee");
        user.setEnabled(true);
        try (Response created = realm.users().create(user)) {
            return CreatedResponseUtil.getCreatedId(created);
        }
    }
}
