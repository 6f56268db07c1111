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
import java.util.List;
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
import org.keycloak.representations.idm.CredentialRepresentation;
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
 * Enrollment policy {@code enrollment-link}: a declared person who holds no factor is refused
 * at sign-in in protocol form (nobody can enroll a device by naming them) and passes once they
 * enrolled through an admin's enrollment link.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EnrollmentPolicyIT {

    private static final String TENANT = TestEntra.newGuid();
    private static final String POLICY = "enrollment.policy";
    private static final String DESCRIPTION = "no POCLAB factor enrolled; ask your administrator for an enrollment link";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    private final HttpClient http = HttpClient.newHttpClient();
    private TestOkta testOkta;
    private String oktaPolicyBefore;

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
        PoclabEam.configure(eam.admin(), Map.of(POLICY, "enrollment-link"));
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(okta.admin());
        integration.configureOrg(OktaFlowIT.ORG, null);
        oktaPolicyBefore = integration.settingsConfig().get(POLICY);
        new OktaIntegrationAdmin(okta.admin()).setPolicy("enrollment-link");
        testOkta = new TestOkta(urls.getBase() + "/realms/" + PoclabRealms.OKTA, OktaConstants.CLIENT_ID, integration.secret(),
                OktaFlowIT.CALLBACK);
    }

    @AfterEach
    void restore() throws Exception {
        PoclabEam.trust(eam.admin(), entra, TENANT);
        new OktaIntegrationAdmin(okta.admin()).setPolicy(oktaPolicyBefore);
        testOkta.close();
    }

    // ---- Entra -------------------------------------------------------------------------------

    @Test
    @DisplayName("Entra, enrollment-link: a declared person without a factor -> access_denied with the reason; after a link, the OTP form and an id_token")
    void entraRefusesAnUnenrolledPersonUntilTheyUseALink() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        String userId = declare(eam.admin(), String.valueOf(hint.claimValue("upn")), null);

        Map<String, String> first = PoclabEam.entraRequest(hint.build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page page = browser.post(entraAuth(), first);
            assertFalse(page.body().contains("kc-totp-settings-form"), "no enrollment at sign-in");
            assertEntraGetsNotEnrolled(page, first);
        }
        EventRepresentation refused = notEnrolledEvent(first, userId);
        assertTrue(refused.getDetails().get("reason").contains("enrollment link"), refused.getDetails().get("reason"));
        assertEquals(List.of(), credentialTypes(eam.admin(), userId), "no credential created");

        TotpDevice phone = enrollThroughLink("eam", userId);

        Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page otpPage = browser.post(entraAuth(), next);
            Browser.Page answer = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, answer.body());
            assertEquals(next.get("state"), posted.get("state"));
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token"));
            assertEquals("[\"otp\"]", token.get("amr").toString());
            assertEquals(oid, token.get("oid").asText());
        }
    }

    @Test
    @DisplayName("Entra, enrollment-link: a stranger is refused as under pre-provisioned, nobody is created")
    void entraRefusesAStrangerUnderEnrollmentLink() throws Exception {
        String oid = TestEntra.newGuid();
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(urls.getBase())) {
            Map<String, String> posted = browser.post(entraAuth(), request).formPostTo(TestEntra.REDIRECT_URI);
            assertEquals("access_denied", posted.get("error"));
            assertEquals(request.get("state"), posted.get("state"));
        }
        assertTrue(eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).isEmpty(), "nobody created");
    }

    @Test
    @DisplayName("Entra: a declared person whose only key is of Keycloak's passwordless type (no POCLAB flow asks it) holds no factor:"
            + " access_denied under enrollment-link, TOTP setup under first use; never an error page")
    void aPasswordlessTypeKeyIsNoFactor() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        String userId = declare(eam.admin(), String.valueOf(hint.claimValue("upn")), null, PasswordlessKey.credential("passkey"));
        assertEquals(List.of(PasswordlessKey.TYPE), credentialTypes(eam.admin(), userId));

        Map<String, String> first = PoclabEam.entraRequest(hint.build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page page = browser.post(entraAuth(), first);
            assertFalse(page.body().contains("kc-totp-settings-form"), "no enrollment at sign-in");
            assertEntraGetsNotEnrolled(page, first);
        }
        notEnrolledEvent(first, userId);

        // The realm's default policy: the person enrolls a TOTP as anyone without a factor does, and Entra gets its id_token.
        PoclabEam.configure(eam.admin(), Map.of(POLICY, "first-use"));
        Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page setup = browser.post(entraAuth(), next);
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Map<String, String> posted = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")))
                    .formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, "POCLAB answers Entra at its redirect_uri");
            assertEquals(next.get("state"), posted.get("state"));
            assertEquals("[\"otp\"]", RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token")).get("amr").toString());
        }
    }

    // ---- Okta --------------------------------------------------------------------------------

    @Test
    @DisplayName("Okta, enrollment-link: someone types a declared, unenrolled name -> OAuth error to Okta, no setup page; after a link, the OTP form and a code")
    void oktaRefusesAnUnenrolledPersonUntilTheyUseALink() throws Exception {
        String username = "unenrolled-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
        String userId = declare(okta.admin(), username, username);

        TestOkta.Authorization authz = testOkta.authorize(username, false);
        try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
            PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
            assertFalse(page.hasForm("kc-totp-settings-form"), "no enrollment at sign-in");
            assertNotNull(page.redirect(), "an answer to Okta, not a Keycloak page: " + page.text());
            assertTrue(page.redirect().toString().startsWith(OktaFlowIT.CALLBACK + "?"), page.redirect().toString());
            Map<String, String> params = page.redirectParams();
            assertEquals("access_denied", params.get("error"));
            assertEquals(DESCRIPTION, params.get("error_description"));
            assertEquals(authz.state(), params.get("state"));
            assertNull(params.get("code"));
        }
        EventRepresentation refused = okta.admin().getEvents(List.of("LOGIN_ERROR"), OktaConstants.CLIENT_ID, userId, null, null,
                null, 0, 20).stream().findFirst().orElseThrow(() -> new AssertionError("no LOGIN_ERROR for " + username));
        assertEquals("poclab_factor_not_enrolled", refused.getError());
        assertTrue(refused.getDetails().get("reason").contains("enrollment link"), refused.getDetails().get("reason"));
        assertEquals(List.of(), credentialTypes(okta.admin(), userId), "no credential created");

        TotpDevice phone = enrollThroughLink("okta", userId);

        TestOkta.Authorization next = testOkta.authorize(username, false);
        try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
            PersonBrowser.Page page = browser.submit(browser.open(next.url()).form("kc-form-login"), Map.of());
            page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            Map<String, String> callback = page.redirectParams();
            assertEquals(next.state(), callback.get("state"));
            TestOkta.Reply tokens = testOkta.redeem(callback.get("code"), next, TestOkta.ClientAuth.CLIENT_SECRET_BASIC);
            assertEquals(200, tokens.status(), tokens.body());
            assertEquals("[\"otp\"]", testOkta.verifiedClaims(tokens.field("id_token")).get("amr").toString());
        }
    }

    @Test
    @DisplayName("Okta, a misspelt policy value -> the strictest policy (enrollment-link): an unenrolled person is refused")
    void anUnknownPolicyValueFallsBackToEnrollmentLink() throws Exception {
        new OktaIntegrationAdmin(okta.admin()).setPolicy("enrolment-link");
        String username = "misspelt-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
        String userId = declare(okta.admin(), username, username);

        TestOkta.Authorization authz = testOkta.authorize(username, false);
        try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
            PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
            assertNotNull(page.redirect(), "an answer to Okta, not a Keycloak page: " + page.text());
            assertEquals("access_denied", page.redirectParams().get("error"));
            assertEquals(authz.state(), page.redirectParams().get("state"));
        }
        assertEquals(List.of(), credentialTypes(okta.admin(), userId));
    }

    // ---- a recovery code under enrollment-link --------------------------------------------------

    @Test
    @DisplayName("Okta, enrollment-link: a person with TOTP and recovery codes uses a code -> access_denied to Okta, no setup page; their TOTP stays and still works")
    void oktaRefusesARecoveryCodeUnderEnrollmentLinkAndKeepsTheFactor() throws Exception {
        String username = "coderefused-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
        String userId = declare(okta.admin(), username, username);
        Enrolled enrolled = enrollWithCodesThroughLink("okta", userId);
        List<String> before = credentialIds(okta.admin(), userId);

        TestOkta.Authorization authz = testOkta.authorize(username, false);
        try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
            PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
            page = browser.submit(page.form("poclab-recovery-form"), Map.of());
            page = browser.submit(page.form("kc-recovery-code-login-form"), Map.of("recoveryCodeInput", enrolled.codes().get(0)));
            assertFalse(page.hasForm("kc-totp-settings-form"), "a recovery code enrolls nothing under enrollment-link");
            assertNotNull(page.redirect(), "an answer to Okta, not a Keycloak page: " + page.text());
            assertTrue(page.redirect().toString().startsWith(OktaFlowIT.CALLBACK + "?"), page.redirect().toString());
            Map<String, String> params = page.redirectParams();
            assertEquals("access_denied", params.get("error"));
            assertEquals(DESCRIPTION, params.get("error_description"));
            assertEquals(authz.state(), params.get("state"));
            assertNull(params.get("code"));
        }
        EventRepresentation refused = okta.admin().getEvents(List.of("LOGIN_ERROR"), OktaConstants.CLIENT_ID, userId, null, null,
                null, 0, 20).stream().findFirst().orElseThrow(() -> new AssertionError("no LOGIN_ERROR for " + username));
        assertEquals("poclab_factor_not_enrolled", refused.getError());
        assertTrue(refused.getDetails().get("reason").contains("recovery code"), refused.getDetails().get("reason"));
        assertEquals(before, credentialIds(okta.admin(), userId), "no factor removed, nothing enrolled");
        assertTrue(okta.admin().getEvents(List.of("REMOVE_CREDENTIAL"), null, userId, null, null, null, 0, 20).isEmpty(),
                "no REMOVE_CREDENTIAL event");

        // The person's phone still signs them in.
        TestOkta.Authorization next = testOkta.authorize(username, false);
        try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
            PersonBrowser.Page page = browser.submit(browser.open(next.url()).form("kc-form-login"), Map.of());
            page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", enrolled.phone().nextCode()));
            Map<String, String> callback = page.redirectParams();
            assertEquals(next.state(), callback.get("state"));
            TestOkta.Reply tokens = testOkta.redeem(callback.get("code"), next, TestOkta.ClientAuth.CLIENT_SECRET_BASIC);
            assertEquals(200, tokens.status(), tokens.body());
            assertEquals("[\"otp\"]", testOkta.verifiedClaims(tokens.field("id_token")).get("amr").toString());
        }
    }

    @Test
    @DisplayName("Entra, enrollment-link: a person with TOTP and recovery codes uses a code -> access_denied to Entra; their TOTP stays and still works")
    void entraRefusesARecoveryCodeUnderEnrollmentLinkAndKeepsTheFactor() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        String userId = declare(eam.admin(), String.valueOf(hint.claimValue("upn")), null);
        Enrolled enrolled = enrollWithCodesThroughLink("eam", userId);
        List<String> before = credentialIds(eam.admin(), userId);

        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page otpPage = browser.post(entraAuth(), request);
            Browser.Page codePage = browser.submit(otpPage, otpPage.form("#poclab-recovery-form"), Map.of());
            Browser.Page answer = browser.submit(codePage, codePage.form("#kc-recovery-code-login-form"),
                    Map.of("recoveryCodeInput", enrolled.codes().get(0)));
            assertFalse(answer.body().contains("kc-totp-settings-form"), "a recovery code enrolls nothing under enrollment-link");
            assertEntraGetsNotEnrolled(answer, request);
        }
        EventRepresentation refused = notEnrolledEvent(request, userId);
        assertEquals(before, credentialIds(eam.admin(), userId), "no factor removed, nothing enrolled");

        Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page otpPage = browser.post(entraAuth(), next);
            Browser.Page answer = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", enrolled.phone().nextCode()));
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, answer.body());
            assertEquals("[\"otp\"]", RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token")).get("amr").toString());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Entra receives access_denied by form post, with its state, the enrollment-link description and no id_token. */
    private static void assertEntraGetsNotEnrolled(Browser.Page page, Map<String, String> request) {
        Map<String, String> posted = page.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "POCLAB posts back to Entra's redirect_uri:\n" + page.body());
        assertEquals("access_denied", posted.get("error"));
        assertEquals(DESCRIPTION, posted.get("error_description"));
        assertEquals(request.get("state"), posted.get("state"));
        assertFalse(posted.containsKey("id_token"));
    }

    /** The LOGIN_ERROR of this Entra request: poclab_factor_not_enrolled, for this person. */
    private EventRepresentation notEnrolledEvent(Map<String, String> request, String userId) {
        EventRepresentation refused = eam.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 500).stream()
                .filter(e -> e.getDetails() != null && request.get("client-request-id").equals(e.getDetails().get("client_request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no LOGIN_ERROR for this request"));
        assertEquals("poclab_factor_not_enrolled", refused.getError());
        assertEquals(userId, refused.getUserId());
        return refused;
    }

    private String entraAuth() {
        return urls.getBase() + "/realms/eam/protocol/openid-connect/auth";
    }

    /** The admin copies an enrollment link; the person opens it and sets up TOTP. */
    private TotpDevice enrollThroughLink(String realm, String userId) throws Exception {
        return enrollWithCodesThroughLink(realm, userId).phone();
    }

    /** What a person holds after an enrollment link: the phone and the recovery codes they saved. */
    private record Enrolled(TotpDevice phone, List<String> codes) {
    }

    private Enrolled enrollWithCodesThroughLink(String realm, String userId) throws Exception {
        HttpResponse<String> made = http.send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/admin/realms/" + realm
                        + "/poclab-enrollment/users/" + userId + "/link?factor=otp"))
                .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, made.statusCode(), made.body());
        String link = JSON.readTree(made.body()).get("link").asText();
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page setup = EnrollmentLinkConfirmation.open(browser, link);
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page codesPage = browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone"));
            List<String> codes = RecoveryCodes.shown(codesPage.doc());
            Browser.Page done = RecoveryCodes.save(browser, codesPage);
            assertTrue(done.doc().text().contains("your POCLAB factor is set up"), done.doc().text());
            return new Enrolled(phone, codes);
        }
    }

    /** What an admin does before the person's first sign-in: declares them (username = UPN / Okta username). */
    private static String declare(RealmResource realm, String username, String email, CredentialRepresentation... credentials) {
        UserRepresentation user = new UserRepresentation();
        user.setCredentials(credentials.length == 0 ? null : List.of(credentials));
        user.setUsername(username);
        user.setEmail(email);
        user.setEmailVerified(email != null);
        user.setFirstName("Pat");
        user.setLastName("Lee");
        user.setEnabled(true);
        try (Response created = realm.users().create(user)) {
            return CreatedResponseUtil.getCreatedId(created);
        }
    }

    private static List<String> credentialIds(RealmResource realm, String userId) {
        return realm.users().get(userId).credentials().stream().map(c -> c.getType() + ":" + c.getId()).sorted().toList();
    }

    private static List<String> credentialTypes(RealmResource realm, String userId) {
        return realm.users().get(userId).credentials().stream().map(CredentialRepresentation::getType).toList();
    }
}
