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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Pre-provisioning (issue 9): an admin declares people from a CSV, through
 * {@code POST /admin/realms/{realm}/poclab-people/import} or the Integrations page, and Entra's
 * first hint for each pins them to their tid + oid.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class PeopleImportIT {

    private static final String TENANT = TestEntra.newGuid();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectRealm(ref = "master", attachTo = "master")
    ManagedRealm master;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectWebDriver
    ManagedWebDriver browser;

    private final HttpClient http = HttpClient.newHttpClient();
    /** Every person a test declares carries it, so the test can remove them afterwards. */
    private final String run = "t" + TestEntra.newGuid().substring(0, 8);
    private AuthenticatorConfigRepresentation eamSettingsBefore;

    @BeforeAll
    static void startEntra() throws Exception {
        entra = new TestEntra();
    }

    @AfterAll
    static void stopEntra() {
        entra.close();
    }

    @BeforeEach
    void trustThisEntra() {
        eamSettingsBefore = eamSettings();
        PoclabEam.trust(eam.admin(), entra, TENANT);
    }

    /** Other classes share realms eam and okta: their settings go back, the people declared here go away. */
    @AfterEach
    void restore() {
        eam.admin().flows().updateAuthenticatorConfig(eamSettingsBefore.getId(), eamSettingsBefore);
        for (RealmResource realm : List.of(eam.admin(), okta.admin())) {
            realm.users().search(run, 0, 1000).forEach(u -> realm.users().get(u.getId()).remove());
        }
    }

    // ---- REST endpoint -------------------------------------------------------------------

    @Test
    public void anAdminImportsACsvEveryLineIsReportedGoodLinesAreKeptAndTheSameFileTwiceChangesNothing() throws Exception {
        String oidA = TestEntra.newGuid();
        String csv = String.join("\r\n",
                "alice-" + run + "@contoso.com," + oidA.toUpperCase() + ",Alice Contoso",
                "bob-" + run + "@contoso.com,,\"Bob, Jr.\"",
                "carol-" + run + "@contoso.com,not-a-guid,Carol",
                "ALICE-" + run + "@contoso.com,,Alice again",
                "dave-" + run + "@contoso.com," + oidA + ",Dave",
                "ev\"e-" + run + "@contoso.com,,Eve",
                "frank " + run + "@contoso.com,,Frank",
                "erin-" + run + "@contoso.com,,Erin") + "\r\n";
        long createdBefore = adminEvents(eam.admin(), "CREATE").size();

        HttpResponse<String> response = importCsv("eam", csv, adminToken());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode report = JSON.readTree(response.body());
        assertEquals(List.of("created", "created", "error", "error", "error", "error", "error", "created"), statuses(report));
        assertEquals(3, report.get("created").asInt());
        assertEquals(5, report.get("errors").asInt());
        assertTrue(message(report, 3).contains("\u201cnot-a-guid\u201d is not a GUID"), message(report, 3));
        assertTrue(message(report, 4).startsWith("The same UPN/email as line 1"), message(report, 4));
        assertTrue(message(report, 5).startsWith("The same Entra object ID as line 1"), message(report, 5));
        assertTrue(message(report, 6).startsWith("A quote inside an unquoted field"), message(report, 6));
        assertTrue(message(report, 7).matches("^(username|email): .+"), "Keycloak's user profile says why: " + message(report, 7));
        assertEquals(7, report.get("results").get(6).get("line").asInt());

        UserRepresentation alice = person(eam.admin(), "alice-" + run + "@contoso.com");
        assertEquals(List.of(oidA), alice.getAttributes().get("entra_oid"), "the object ID is declared in lower case");
        assertEquals("alice-" + run + "@contoso.com", alice.getEmail());
        assertEquals("Alice Contoso", alice.getFirstName());
        assertTrue(alice.isEnabled());
        assertEquals("Bob, Jr.", person(eam.admin(), "bob-" + run + "@contoso.com").getFirstName());
        assertTrue(eam.admin().users().searchByUsername("carol-" + run + "@contoso.com", true).isEmpty(), "a bad line stores nothing");
        assertTrue(eam.admin().users().search("dave-" + run).isEmpty());

        // Who imported what is in the admin event log: one CREATE per person, one ACTION for the import.
        String adminId = subject(adminToken());
        List<AdminEventRepresentation> created = adminEvents(eam.admin(), "CREATE");
        assertEquals(createdBefore + 3, created.size());
        assertTrue(created.stream().anyMatch(e -> ("users/" + alice.getId()).equals(e.getResourcePath())
                && adminId.equals(e.getAuthDetails().getUserId()) && "poclab-people".equals(e.getDetails().get("poclab"))));
        AdminEventRepresentation imported = adminEvents(eam.admin(), "ACTION").stream()
                .filter(e -> "poclab-people/import".equals(e.getResourcePath())).findFirst().orElseThrow();
        assertEquals(adminId, imported.getAuthDetails().getUserId());
        assertEquals(3, JSON.readTree(imported.getRepresentation()).get("created").asInt());

        // The same file again: every good line is unchanged, nothing is created.
        JsonNode again = JSON.readTree(importCsv("eam", csv, adminToken()).body());
        assertEquals(List.of("unchanged", "unchanged", "error", "error", "error", "error", "error", "unchanged"), statuses(again));
        assertEquals(createdBefore + 3, adminEvents(eam.admin(), "CREATE").size());

        // A later file: an object ID for a person declared without one; another object ID for alice is a conflict.
        String oidB = TestEntra.newGuid();
        JsonNode later = JSON.readTree(importCsv("eam", "upn,entra_oid,display_name\n"
                + "bob-" + run + "@contoso.com," + oidB + ",Bob\n"
                + "alice-" + run + "@contoso.com," + TestEntra.newGuid() + ",Alice\n", adminToken()).body());
        assertEquals(List.of("updated", "error"), statuses(later));
        assertTrue(message(later, 3).contains("is declared with Entra object ID " + oidA), message(later, 3));
        assertEquals(List.of(oidB), person(eam.admin(), "bob-" + run + "@contoso.com").getAttributes().get("entra_oid"));
        assertEquals(List.of(oidA), person(eam.admin(), "alice-" + run + "@contoso.com").getAttributes().get("entra_oid"), "alice unchanged");
    }

    @Test
    public void realmOktaDeclaresByUsernameAndRefusesAnEntraObjectId() throws Exception {
        JsonNode report = JSON.readTree(importCsv("okta", "Grace-" + run + ",,Grace Hopper\nheidi-" + run + "@acme.com,"
                + TestEntra.newGuid() + ",Heidi\n", adminToken()).body());
        assertEquals(List.of("created", "error"), statuses(report));
        assertTrue(message(report, 2).contains("Realm okta matches people by username or email, never by Entra object ID"), message(report, 2));
        UserRepresentation grace = person(okta.admin(), "grace-" + run);
        assertEquals("Grace Hopper", grace.getFirstName());
        assertNull(grace.getEmail());
        assertTrue(okta.admin().users().search("heidi-" + run).isEmpty());
    }

    @Test
    public void withoutAnAdminTokenOrWithoutManageUsersNothingIsImported() throws Exception {
        String csv = "nobody-" + run + "@contoso.com,,Nobody\n";
        assertEquals(401, importCsv("eam", csv, null).statusCode());

        String password = "viewer-" + TestEntra.randomBase64(12);
        String viewer = MasterUsers.withPassword(master, "viewer-" + run, password);
        HttpResponse<String> refused = importCsv("eam", csv, passwordToken("viewer-" + run, password));
        assertEquals(403, refused.statusCode(), refused.body());

        // manage-users on realm okta only: okta yes, eam no.
        master.admin().users().get(viewer).roles().clientLevel(clientUuid(master.admin(), "okta-realm"))
                .add(List.of(master.admin().clients().get(clientUuid(master.admin(), "okta-realm")).roles().get("manage-users").toRepresentation()));
        String token = passwordToken("viewer-" + run, password);
        assertEquals(403, importCsv("eam", csv, token).statusCode());
        assertEquals(200, importCsv("okta", "okta-" + run + ",,Okta person\n", token).statusCode());
        assertTrue(eam.admin().users().search("nobody-" + run).isEmpty(), "nothing stored in eam");
        assertEquals(1, okta.admin().users().search("okta-" + run, true).size());
    }

    @Test
    public void aFileThatCannotBeReadIsRefusedAsAWhole() throws Exception {
        HttpResponse<String> latin1 = http.send(request("eam", adminToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(("ren\u00e9-" + run + "@contoso.com,,Ren\u00e9\n").getBytes(StandardCharsets.ISO_8859_1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, latin1.statusCode());
        assertTrue(JSON.readTree(latin1.body()).get("error_description").asText().contains("not UTF-8"), latin1.body());
        HttpResponse<String> big = importCsv("eam", ("x-" + run + "@contoso.com,,X\n").repeat(40_000), adminToken());
        assertEquals(413, big.statusCode());
        assertEquals("file_too_large", JSON.readTree(big.body()).get("error").asText());
        assertTrue(eam.admin().users().search(run).isEmpty());
    }

    // ---- what Entra's first hint does with a declared person ------------------------------

    @Test
    public void aPersonDeclaredByUpnIsPinnedToTheirOidARenamedUpnFollowsAndARecycledUpnIsRefused() throws Exception {
        PoclabEam.configure(eam.admin(), Map.of("enrollment.policy", "pre-provisioned"));
        String oid = TestEntra.newGuid();
        String upn = "ivan-" + run + "@contoso.com";
        assertEquals(List.of("created"), statuses(JSON.readTree(importCsv("eam", upn + ",,Ivan\n", adminToken()).body())));

        TestEntra.HintBuilder first = entra.hint(TENANT, oid).claim("upn", upn).claim("preferred_username", upn);
        TotpDevice phone;
        try (Browser person = browser()) {
            Browser.Page setup = person.post(authEndpoint(), PoclabEam.entraRequest(first.build()));
            Element form = setup.form("#kc-totp-settings-form");
            phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            assertNotNull(RecoveryCodes.save(person, person.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")))
                    .formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
        }
        UserRepresentation pinned = person(eam.admin(), upn);
        assertEquals(List.of(oid), pinned.getAttributes().get("entra_oid"));
        assertEquals(List.of(TENANT + ":" + oid), pinned.getAttributes().get("entra_key"));

        // Entra renames the person: the same tid + oid under a new UPN is the same POCLAB person, with their factor.
        String renamed = "ivan.renamed-" + run + "@contoso.com";
        Map<String, String> afterRename = PoclabEam.entraRequest(entra.hint(TENANT, oid).claim("upn", renamed).claim("preferred_username", renamed).build());
        try (Browser person = browser()) {
            Browser.Page otp = person.post(authEndpoint(), afterRename);
            Browser.Page answer = person.submit(otp, otp.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", answer.formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
            assertEquals(oid, token.get("oid").asText());
            assertEquals(renamed, token.get("preferred_username").asText());
        }
        assertEquals(pinned.getId(), eventFor("LOGIN", afterRename).getUserId());
        assertEquals(1, eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).size());

        // The old UPN given to a new Entra user (another oid) does not inherit Ivan's factor.
        Map<String, String> recycled = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).claim("upn", upn).claim("preferred_username", upn).build());
        try (Browser stranger = browser()) {
            assertAccessDenied(stranger.post(authEndpoint(), recycled), recycled, "linked to another Entra user");
        }
    }

    @Test
    public void aPersonDeclaredWithAnOidIsMatchedByItUnderAnyUpnAndTheirUpnRefusesAnotherOid() throws Exception {
        PoclabEam.configure(eam.admin(), Map.of("enrollment.policy", "pre-provisioned"));
        String oid = TestEntra.newGuid();
        String declaredUpn = "judy-" + run + "@contoso.com";
        String otherUpn = "kim-" + run + "@contoso.com";
        String otherOid = TestEntra.newGuid();
        JsonNode report = JSON.readTree(importCsv("eam", "upn,oid,name\n" + declaredUpn + "," + oid + ",Judy\n"
                + otherUpn + "," + otherOid + ",Kim\n", adminToken()).body());
        assertEquals(List.of("created", "created"), statuses(report));

        // Entra names Judy by another UPN (say, after a rename Entra did before her first sign-in): her oid finds her.
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        String entraUpn = String.valueOf(hint.claimValue("upn"));
        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        try (Browser person = browser()) {
            Browser.Page setup = person.post(authEndpoint(), request);
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", RecoveryCodes.save(person, person.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")))
                    .formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
            assertEquals(oid, token.get("oid").asText());
        }
        UserRepresentation judy = person(eam.admin(), declaredUpn);
        assertEquals(List.of(TENANT), judy.getAttributes().get("entra_tid"));
        assertEquals(List.of(TENANT + ":" + oid), judy.getAttributes().get("entra_key"));
        assertTrue(eam.admin().users().search(entraUpn, true).isEmpty(), "nobody created under Entra's UPN");
        assertEquals("declared person pinned to tid+oid", eventFor("LOGIN", request).getDetails().get("poclab_person"),
                "the verification that pins is an event with the reason");

        // Kim's UPN arriving with another oid: a recycled UPN, refused.
        Map<String, String> recycled = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).claim("upn", otherUpn).claim("preferred_username", otherUpn).build());
        try (Browser stranger = browser()) {
            assertAccessDenied(stranger.post(authEndpoint(), recycled), recycled, "declared with another Entra object ID");
        }
        assertFalse(person(eam.admin(), otherUpn).getAttributes().containsKey("entra_key"), "Kim stays unpinned");
    }

    /**
     * entra_oid typed by hand in capitals (or mixed case) in the admin console: still that person, pinned
     * at their first verification, under another UPN too; the attribute is then stored as Entra writes it.
     */
    @Test
    public void anEntraObjectIdTypedInCapitalsStillMatches() throws Exception {
        PoclabEam.configure(eam.admin(), Map.of("enrollment.policy", "pre-provisioned"));
        String renamedOid = TestEntra.newGuid();
        String sameUpnOid = TestEntra.newGuid();
        String lee = declareInConsole("lee-" + run + "@contoso.com", renamedOid.toUpperCase(Locale.ROOT));
        String mixed = Character.toUpperCase(sameUpnOid.charAt(0)) + sameUpnOid.substring(1, 9).toUpperCase(Locale.ROOT) + sameUpnOid.substring(9);
        String max = declareInConsole("max-" + run + "@contoso.com", mixed);

        // Lee arrives under another UPN: only the object ID finds her. Max arrives under his declared UPN.
        for (TestEntra.HintBuilder hint : List.of(entra.hint(TENANT, renamedOid),
                entra.hint(TENANT, sameUpnOid).claim("upn", "max-" + run + "@contoso.com").claim("preferred_username", "max-" + run + "@contoso.com"))) {
            Map<String, String> request = PoclabEam.entraRequest(hint.build());
            try (Browser person = browser()) {
                Browser.Page setup = person.post(authEndpoint(), request);
                Element form = setup.form("#kc-totp-settings-form");
                TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
                Map<String, String> posted = RecoveryCodes.save(person, person.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")))
                        .formPostTo(TestEntra.REDIRECT_URI);
                assertNotNull(posted.get("id_token"), "the declared person passes: " + posted);
            }
        }
        assertEquals(List.of(TENANT + ":" + renamedOid), eam.admin().users().get(lee).toRepresentation().getAttributes().get("entra_key"));
        assertEquals(List.of(renamedOid), eam.admin().users().get(lee).toRepresentation().getAttributes().get("entra_oid"));
        assertEquals(List.of(TENANT + ":" + sameUpnOid), eam.admin().users().get(max).toRepresentation().getAttributes().get("entra_key"));
        assertEquals(1, eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + renamedOid).size(), "nobody else created");
    }

    // ---- Integrations page ----------------------------------------------------------------

    @Test
    public void anAdminUploadsACsvOnTheIntegrationsPageAndReadsTheReport() throws Exception {
        driver().manage().window().setSize(new Dimension(1280, 3000));
        Path file = Files.createTempFile("people", ".csv");
        Files.writeString(file, "\uFEFFupn,entra_oid,display_name\r\nlena-" + run + "@contoso.com,,Lena\r\nmax-" + run
                + "@contoso.com,bad,Max\r\n\"<img src=x onerror=alert(1)>" + run + "@contoso.com\",,<b>Bold</b>\r\n", StandardCharsets.UTF_8);
        signIn();
        driver().findElement(By.id("eam-people-file")).sendKeys(file.toString());
        driver().findElement(By.id("eam-people-import")).click();
        assertTrue(text("eam-people-summary").startsWith("Created 1, updated 0, unchanged 0, errors 2."), text("eam-people-summary"));
        List<String> rows = driver().findElements(By.cssSelector("#eam-people-report tbody tr")).stream().map(r -> r.getText()).toList();
        assertTrue(rows.get(0).startsWith("2 lena-" + run + "@contoso.com Created"), rows.toString());
        assertTrue(rows.get(1).startsWith("3 max-" + run + "@contoso.com Error The Entra object ID \u201cbad\u201d is not a GUID"), rows.toString());
        // Markup from the file is shown as text, and Keycloak's user profile refuses it in a username or name.
        assertTrue(rows.get(2).startsWith("4 <img src=x onerror=alert(1)>" + run + "@contoso.com Error "), rows.toString());
        assertTrue(driver().findElements(By.cssSelector("#eam-people-report img, #eam-people-report b")).isEmpty(), "no markup rendered");
        assertEquals("Lena", person(eam.admin(), "lena-" + run + "@contoso.com").getFirstName());
        Files.copy(((TakesScreenshot) driver()).getScreenshotAs(OutputType.FILE).toPath(),
                ProjectPaths.artifacts().resolve("integrations-page-people-report.png"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(adminEvents(eam.admin(), "ACTION").stream().anyMatch(e -> "poclab-integrations/import".equals(e.getResourcePath())),
                "the page's import is an admin event too");

        // Again: nothing changes. Then without the page's token: refused, nothing stored.
        driver().findElement(By.id("eam-people-file")).sendKeys(file.toString());
        driver().findElement(By.id("eam-people-import")).click();
        assertTrue(text("eam-people-summary").startsWith("Created 0, updated 0, unchanged 1, errors 2."), text("eam-people-summary"));
        Files.writeString(file, "nina-" + run + "@contoso.com,,Nina\n", StandardCharsets.UTF_8);
        ((JavascriptExecutor) driver()).executeScript("document.querySelector('#okta-people-form input[name=csrf]').remove()");
        driver().findElement(By.id("okta-people-file")).sendKeys(file.toString());
        driver().findElement(By.id("okta-people-import")).click();
        assertTrue(text("integrations-refused").contains("did not carry this page's security token"), text("integrations-refused"));
        assertTrue(okta.admin().users().search("nina-" + run).isEmpty());
        Files.delete(file);
        browser.cookies().deleteAll();
    }

    // ---- helpers -------------------------------------------------------------------------

    private HttpResponse<String> importCsv(String realm, String csv, String token) throws Exception {
        return http.send(request(realm, token).POST(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String realm, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.getBase() + "/admin/realms/" + realm + "/poclab-people/import"))
                .header("Content-Type", "text/csv; charset=utf-8");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private String adminToken() {
        return admin.tokenManager().getAccessTokenString();
    }

    private String passwordToken(String username, String password) throws Exception {
        String form = "grant_type=password&client_id=admin-cli&username=" + username + "&password="
                + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    private static String subject(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).get("sub").asText();
    }

    private static List<String> statuses(JsonNode report) {
        List<String> statuses = new ArrayList<>();
        report.get("results").forEach(r -> statuses.add(r.get("status").asText()));
        return statuses;
    }

    /** The message of the result for a line of the file. */
    private static String message(JsonNode report, int line) {
        for (JsonNode r : report.get("results")) {
            if (r.get("line").asInt() == line) {
                return r.get("message").asText();
            }
        }
        throw new AssertionError("no result for line " + line + ": " + report);
    }

    private static UserRepresentation person(RealmResource realm, String username) {
        List<UserRepresentation> found = realm.users().search(username, true);
        assertEquals(1, found.size(), "one person " + username);
        return realm.users().get(found.get(0).getId()).toRepresentation();
    }

    private static List<AdminEventRepresentation> adminEvents(RealmResource realm, String operation) {
        return realm.getAdminEvents(List.of(operation), null, null, null, null, null, null, null, 0, 10_000);
    }

    private static String clientUuid(RealmResource realm, String clientId) {
        return realm.clients().findByClientId(clientId).get(0).getId();
    }

    private AuthenticatorConfigRepresentation eamSettings() {
        AuthenticationExecutionInfoRepresentation step = eam.admin().flows().getExecutions(PoclabEam.FLOW).stream()
                .filter(e -> PoclabEam.HINT_AUTHENTICATOR.equals(e.getProviderId())).findFirst().orElseThrow();
        return eam.admin().flows().getAuthenticatorConfig(step.getAuthenticationConfig());
    }

    private Browser browser() {
        return new Browser(urls.getBase());
    }

    private String authEndpoint() {
        return urls.getBase() + "/realms/eam/protocol/openid-connect/auth";
    }

    /** Entra receives error=access_denied with its state and no token; the event log says why. */
    private void assertAccessDenied(Browser.Page page, Map<String, String> request, String reason) {
        Map<String, String> posted = page.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "POCLAB posts back to Entra's redirect_uri:\n" + page.body());
        assertEquals("access_denied", posted.get("error"));
        assertEquals(request.get("state"), posted.get("state"));
        assertFalse(posted.containsKey("id_token"));
        EventRepresentation event = eventFor("LOGIN_ERROR", request);
        assertEquals("eam_user_not_provisioned", event.getError());
        assertTrue(event.getDetails().get("reason").contains(reason), event.getDetails().get("reason"));
    }

    private EventRepresentation eventFor(String type, Map<String, String> request) {
        String requestId = request.get("client-request-id");
        return eam.admin().getEvents(List.of(type), null, null, null, null, null, 0, 500).stream()
                .filter(e -> e.getDetails() != null && requestId.equals(e.getDetails().get("client_request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " event for client-request-id " + requestId));
    }

    private void signIn() {
        browser.open(urls.getBase() + "/realms/master/poclab-integrations/");
        driver().findElement(By.id("username")).sendKeys("admin");
        driver().findElement(By.id("password")).sendKeys("admin");
        driver().findElement(By.id("kc-login")).click();
        // The click returns once the form is submitted, not once Keycloak's redirects have landed.
        browser.waiting().until(d -> d.getCurrentUrl().startsWith(urls.getBase() + "/realms/master/poclab-integrations/"));
    }

    private WebDriver driver() {
        return browser.driver();
    }

    private String text(String id) {
        return driver().findElement(By.id(id)).getText().trim();
    }

    /** What an admin does in the console: Users -> Add user, then the Attributes tab's entra_oid. */
    private String declareInConsole(String upn, String oid) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(upn);
        user.setEmail(upn);
        user.setEnabled(true);
        user.setAttributes(Map.of("entra_oid", List.of(oid)));
        try (Response created = eam.admin().users().create(user)) {
            return CreatedResponseUtil.getCreatedId(created);
        }
    }
}
