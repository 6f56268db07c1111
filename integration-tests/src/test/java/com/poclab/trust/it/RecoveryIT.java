package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.poclab.trust.okta.OktaConstants;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.AdminEventRepresentation;
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
 * Issue 9, recovery: a person who lost their phone uses a recovery code (Keycloak's), which
 * only lets them enroll a new factor; the token names the new factor; the code and the lost
 * phone stop working. An admin resets a person's factors; a person manages their own factors
 * in Keycloak's account console.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class RecoveryIT {

    private static final String TENANT = TestEntra.newGuid();
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

    @BeforeAll
    static void startEntra() throws Exception {
        entra = new TestEntra();
    }

    @AfterAll
    static void stopEntra() {
        entra.close();
    }

    @BeforeEach
    void configureRealmForThisEntra() {
        PoclabEam.trust(eam.admin(), entra, TENANT);
    }

    /** A person enrolled through Entra: their phone and the recovery codes they saved. */
    private record EntraPerson(String oid, String id, TotpDevice phone, List<String> codes) {
    }

    // ---- Entra: recovery code -> new TOTP -> amr otp -----------------------------------------

    @Test
    public void aPersonWhoLostTheirPhoneUsesARecoveryCodeEnrollsANewPhoneAndEntraReceivesOtp() throws Exception {
        EntraPerson person = enrollThroughEntra();
        String lostPhoneId = otpCredentials(eam, person.id()).get(0).getId();

        // The phone is gone: the OTP page offers a recovery code; the code leads to TOTP setup, never to a token.
        TestEntra.HintBuilder hint = entra.hint(TENANT, person.oid());
        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        TotpDevice newPhone;
        try (Browser browser = browser()) {
            Browser.Page otpPage = browser.post(authEndpoint(), request);
            otpPage.form("#kc-otp-login-form");
            Browser.Page codePage = useRecoveryCode(browser, otpPage);
            assertTrue(codePage.doc().text().contains("Recovery code #1"), codePage.body());
            Browser.Page setup = browser.submit(codePage, codePage.form("#kc-recovery-code-login-form"),
                    Map.of("recoveryCodeInput", person.codes().get(0)));
            assertNull(setup.formPostTo(TestEntra.REDIRECT_URI), "a recovery code alone never answers Entra");
            Element form = setup.form("#kc-totp-settings-form");
            newPhone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page answer = browser.submit(setup, form, Map.of("totp", newPhone.nextCode(), "userLabel", "new phone"));
            assertEquals(List.of("otp"), amr(entraIdToken(answer, request)), "the amr names the new factor");
        }

        // The log says a recovery code was used, by whom, and that the lost phone was removed.
        EventRepresentation login = eamEvent("LOGIN", request.get("client-request-id"));
        assertEquals("used", login.getDetails().get("poclab_recovery_code"));
        assertEquals("otp", login.getDetails().get("poclab_factor"));
        assertEquals("true", login.getDetails().get("poclab_enrolled"));
        EventRepresentation codeUsed = userEvents(eam, person.id(), "UPDATE_CREDENTIAL").stream()
                .filter(e -> "recovery-authn-codes".equals(e.getDetails().get("credential_type"))).findFirst()
                .orElseThrow(() -> new AssertionError("no event says a recovery code was used"));
        assertEquals("used", codeUsed.getDetails().get("poclab_recovery_code"));
        EventRepresentation removed = userEvents(eam, person.id(), "REMOVE_CREDENTIAL").stream()
                .filter(e -> lostPhoneId.equals(e.getDetails().get("credential_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no REMOVE_CREDENTIAL event for the lost phone"));
        assertEquals("otp", removed.getDetails().get("credential_type"));
        List<CredentialRepresentation> otps = otpCredentials(eam, person.id());
        assertEquals(List.of("new phone"), otps.stream().map(CredentialRepresentation::getUserLabel).toList(),
                "only the new phone remains");

        // Next verification: the OTP form (not the recovery form) opens; the lost phone is refused, the new one passes.
        Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build());
        try (Browser browser = browser()) {
            Browser.Page otpPage = browser.post(authEndpoint(), next);
            Browser.Page refused = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", person.phone().nextCode()));
            assertNull(refused.formPostTo(TestEntra.REDIRECT_URI), "the lost phone's code gets no token");
            assertTrue(refused.doc().text().contains("That code is not right"), refused.body());
            Browser.Page answer = browser.submit(refused, refused.form("#kc-otp-login-form"), Map.of("otp", newPhone.nextCode()));
            assertEquals(List.of("otp"), amr(entraIdToken(answer, next)));
        }
    }

    @Test
    public void aRecoveryCodeWorksOnce() throws Exception {
        EntraPerson person = enrollThroughEntra();
        try (Browser browser = browser()) {
            Browser.Page codePage = useRecoveryCode(browser, browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build())));
            Browser.Page setup = browser.submit(codePage, codePage.form("#kc-recovery-code-login-form"), Map.of("recoveryCodeInput", person.codes().get(0)));
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice newPhone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            browser.submit(setup, form, Map.of("totp", newPhone.nextCode(), "userLabel", "new phone")).formPostTo(TestEntra.REDIRECT_URI).get("id_token");
        }
        Map<String, String> again = PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build());
        try (Browser browser = browser()) {
            Browser.Page codePage = useRecoveryCode(browser, browser.post(authEndpoint(), again));
            assertTrue(codePage.doc().text().contains("Recovery code #2"), "Keycloak now asks for the next code: " + codePage.doc().text());
            Browser.Page reused = browser.submit(codePage, codePage.form("#kc-recovery-code-login-form"), Map.of("recoveryCodeInput", person.codes().get(0)));
            assertNull(reused.formPostTo(TestEntra.REDIRECT_URI));
            assertFalse(reused.body().contains("kc-totp-settings-form"), "no TOTP setup for a spent code");
            assertTrue(reused.doc().text().contains("already used"), reused.doc().text());
        }
        EventRepresentation error = userEvents(eam, person.id(), "LOGIN_ERROR").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no LOGIN_ERROR for the reused code"));
        assertEquals("invalid_user_credentials", error.getError());
        assertEquals("recovery-authn-codes", error.getDetails().get("credential_type"));
    }

    // ---- Okta: the same recovery, amr otp at Okta ---------------------------------------------

    @Test
    public void oktaReceivesOtpFromTheNewFactorAfterARecoveryCode() throws Exception {
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(okta.admin());
        integration.configureOrg(OktaFlowIT.ORG, null);
        String username = "recovery-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.com";
        String id = provisionOkta(username);
        try (TestOkta testOkta = new TestOkta(urls.getBase() + "/realms/okta", OktaConstants.CLIENT_ID, integration.secret(), OktaFlowIT.CALLBACK);
             PersonBrowser first = new PersonBrowser(urls.getBase());
             PersonBrowser second = new PersonBrowser(urls.getBase());
             PersonBrowser third = new PersonBrowser(urls.getBase())) {
            // Enrollment: TOTP, then the recovery codes the person saves.
            TestOkta.Authorization enrollment = testOkta.authorize(username, true);
            PersonBrowser.Page page = first.submit(first.open(enrollment.url()).form("kc-form-login"), Map.of());
            Element setup = page.form("kc-totp-settings-form");
            TotpDevice lostPhone = new TotpDevice(setup.selectFirst("input[name=totpSecret]").val());
            page = first.submit(setup, Map.of("totp", lostPhone.nextCode(), "userLabel", "phone"));
            List<String> codes = RecoveryCodes.shown(page.document());
            assertNotNull(RecoveryCodes.save(first, page).redirectParams().get("code"));

            // Phone lost: recovery code, new TOTP, Okta redeems and reads amr ["otp"].
            TestOkta.Authorization recovery = testOkta.authorize(username, true);
            page = second.submit(second.open(recovery.url()).form("kc-form-login"), Map.of());
            page = second.submit(page.form("poclab-recovery-form"), Map.of());
            page = second.submit(page.form("kc-recovery-code-login-form"), Map.of("recoveryCodeInput", codes.get(0)));
            assertNull(page.redirect(), "a recovery code alone never goes back to Okta");
            setup = page.form("kc-totp-settings-form");
            TotpDevice newPhone = new TotpDevice(setup.selectFirst("input[name=totpSecret]").val());
            page = second.submit(setup, Map.of("totp", newPhone.nextCode(), "userLabel", "new phone"));
            TestOkta.Reply tokens = testOkta.redeem(page.redirectParams().get("code"), recovery, TestOkta.ClientAuth.CLIENT_SECRET_BASIC);
            assertEquals(200, tokens.status(), tokens.body());
            JsonNode claims = testOkta.verifiedClaims(tokens.field("id_token"));
            assertEquals("[\"otp\"]", claims.get("amr").toString());
            assertEquals(id, claims.get("sub").asText());

            // The lost phone no longer opens the door; the same code fails on reuse.
            TestOkta.Authorization later = testOkta.authorize(username, true);
            page = third.submit(third.open(later.url()).form("kc-form-login"), Map.of());
            page = third.submit(page.form("kc-otp-login-form"), Map.of("otp", lostPhone.nextCode()));
            assertNull(page.redirect(), "the lost phone's code is refused");
            page.form("kc-otp-login-form");
            page = third.submit(page.form("poclab-recovery-form"), Map.of());
            page = third.submit(page.form("kc-recovery-code-login-form"), Map.of("recoveryCodeInput", codes.get(0)));
            assertNull(page.redirect());
            assertFalse(page.hasForm("kc-totp-settings-form"), "a spent code enrolls nothing");
        }
        assertEquals(List.of("new phone"), otpCredentials(okta, id).stream().map(CredentialRepresentation::getUserLabel).toList());
    }

    // ---- admin reset --------------------------------------------------------------------------

    @Test
    public void anAdminResetForcesReEnrollmentAndTheAdminEventNamesTheAdmin() throws Exception {
        EntraPerson person = enrollThroughEntra();
        UserResource user = eam.admin().users().get(person.id());
        String otpId = otpCredentials(eam, person.id()).get(0).getId();

        // What the admin console's Credentials tab does: DELETE .../users/{id}/credentials/{credentialId}.
        user.removeCredential(otpId);

        AdminEventRepresentation reset = eam.admin().getAdminEvents().stream()
                .filter(e -> e.getResourcePath() != null && e.getResourcePath().endsWith("users/" + person.id() + "/credentials/" + otpId))
                .findFirst().orElseThrow(() -> new AssertionError("no admin event for the credential removal"));
        assertEquals("ACTION", reset.getOperationType());
        String caller = JSON.readTree(Base64.getUrlDecoder().decode(admin.tokenManager().getAccessTokenString().split("\\.")[1])).get("sub").asText();
        assertEquals(caller, reset.getAuthDetails().getUserId(), "the admin event names who reset the factor");
        assertEquals(admin.realm("master").toRepresentation().getId(), reset.getAuthDetails().getRealmId());
        assertNotNull(admin.realm("master").users().get(caller).toRepresentation().getUsername());

        // Next verification: TOTP setup under the realm's policy (not the recovery form, although codes remain).
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build());
        TotpDevice newPhone;
        try (Browser browser = browser()) {
            Browser.Page setup = browser.post(authEndpoint(), request);
            Element form = setup.form("#kc-totp-settings-form");
            newPhone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page answer = browser.submit(setup, form, Map.of("totp", newPhone.nextCode(), "userLabel", "phone"));
            assertEquals(List.of("otp"), amr(entraIdToken(answer, request)));
        }
        assertEquals("true", eamEvent("LOGIN", request.get("client-request-id")).getDetails().get("poclab_enrolled"));

        // And the verification after that opens on the new factor, the old phone refused.
        Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build());
        try (Browser browser = browser()) {
            Browser.Page otpPage = browser.post(authEndpoint(), next);
            Browser.Page refused = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", person.phone().nextCode()));
            assertNull(refused.formPostTo(TestEntra.REDIRECT_URI));
            assertEquals(List.of("otp"), amr(entraIdToken(browser.submit(refused, refused.form("#kc-otp-login-form"),
                    Map.of("otp", newPhone.nextCode())), next)));
        }
    }

    /**
     * Guessing recovery codes is no way around the gate: each wrong code counts as a failed sign-in
     * in Keycloak's brute-force protection, and after the realm's five the person is locked out of
     * Entra verification (access_denied) with their codes left as they were.
     */
    @Test
    public void wrongRecoveryCodesLockThePersonOutAsWrongTotpCodesDo() throws Exception {
        EntraPerson person = enrollThroughEntra();
        try {
            try (Browser browser = browser()) {
                Browser.Page page = useRecoveryCode(browser, browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build())));
                for (int i = 0; i < 5; i++) {
                    page = browser.submit(page, page.form("#kc-recovery-code-login-form"), Map.of("recoveryCodeInput", "wrong" + i + "code1234"));
                    assertNull(page.formPostTo(TestEntra.REDIRECT_URI), "no answer to Entra on a wrong code");
                    assertNull(page.doc().selectFirst("#kc-totp-settings-form"), "no TOTP setup on a wrong code");
                }
            }
            assertEquals(Boolean.TRUE, eam.admin().attackDetection().bruteForceUserStatus(person.id()).get("disabled"), "locked out");

            Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build());
            try (Browser browser = browser()) {
                Browser.Page answer = browser.post(authEndpoint(), request);
                Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
                assertNotNull(posted, "refused in protocol form: " + answer.body());
                assertEquals("access_denied", posted.get("error"));
                assertNull(answer.doc().selectFirst("#poclab-recovery-form"), "no code is even asked");
            }
            assertEquals("user_temporarily_disabled", eamEvent("LOGIN_ERROR", request.get("client-request-id")).getError());
            assertEquals(List.of("otp", "recovery-authn-codes"), eam.admin().users().get(person.id()).credentials().stream()
                    .map(CredentialRepresentation::getType).sorted().toList(), "the phone and the codes stay");
        } finally {
            eam.admin().attackDetection().clearBruteForceForUser(person.id());
        }
    }

    /**
     * Under {@code enrollment-link} an admin reset leaves the person without a way in until an admin
     * gives them a link: Entra gets access_denied, no TOTP setup and no recovery code form (the codes
     * they still hold never enroll anything under that policy).
     */
    @Test
    public void anAdminResetUnderEnrollmentLinkIsRefusedUntilTheirNextLink() throws Exception {
        EntraPerson person = enrollThroughEntra();
        PoclabEam.configure(eam.admin(), Map.of("enrollment.policy", "enrollment-link"));
        eam.admin().users().get(person.id()).removeCredential(otpCredentials(eam, person.id()).get(0).getId());

        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, person.oid()).build());
        try (Browser browser = browser()) {
            Browser.Page answer = browser.post(authEndpoint(), request);
            assertNull(answer.doc().selectFirst("#kc-totp-settings-form"), "no enrollment");
            assertNull(answer.doc().selectFirst("#kc-recovery-code-login-form"), "no recovery code form");
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, "answered in protocol form: " + answer.body());
            assertEquals("access_denied", posted.get("error"));
            assertEquals(request.get("state"), posted.get("state"));
            assertFalse(posted.containsKey("id_token"));
        }
        assertEquals("poclab_factor_not_enrolled", eamEvent("LOGIN_ERROR", request.get("client-request-id")).getError());
        assertTrue(otpCredentials(eam, person.id()).isEmpty(), "nothing enrolled");
    }

    // ---- the person's own factors in the account console --------------------------------------

    @Test
    public void aPersonSignsInToTheAccountConsoleWithTheirFactorAndRemovesALostPhone() throws Exception {
        String username = "account-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.com";
        TotpDevice lostPhone = new TotpDevice(TotpSecrets.random());
        TotpDevice phone = new TotpDevice(TotpSecrets.random());
        UserRepresentation rep = oktaPerson(username);
        rep.setCredentials(List.of(otp(lostPhone, "lost phone"), otp(phone, "phone")));
        String id;
        try (Response created = okta.admin().users().create(rep)) {
            id = CreatedResponseUtil.getCreatedId(created);
        }

        // The account console page is Keycloak's, in the poclab theme.
        HttpResponse<String> console = http().send(HttpRequest.newBuilder(URI.create(accountUrl())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, console.statusCode());
        assertTrue(console.body().contains("<title>POCLAB Trust: my verification methods</title>"), console.body());
        assertTrue(console.body().contains("/account/poclab/css/poclab-account.css"), "POCLAB's stylesheet");

        // Sign in as the account console does (code + PKCE): username, then a factor the person holds; no password.
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(UUID.randomUUID().toString().repeat(2).getBytes(StandardCharsets.US_ASCII));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = urls.getBase() + "/realms/okta/protocol/openid-connect/auth?client_id=account-console&response_type=code&scope=openid"
                + "&redirect_uri=" + enc(accountUrl()) + "&state=s1&code_challenge=" + challenge + "&code_challenge_method=S256";
        String code;
        // Redirects below /protocol/ are followed; the one back to the account console is where the code is read.
        try (PersonBrowser browser = new PersonBrowser(urls.getBase() + "/realms/okta/protocol")) {
            PersonBrowser.Page page = browser.open(authorize);
            page = browser.submit(page.form("kc-form-login"), Map.of("username", username));
            assertFalse(page.text().toLowerCase().contains("password"), "no password is asked");
            // Keycloak's OTP form lists both authenticators; the person picks the phone they hold.
            page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", phone.nextCode(), "selectedCredentialId", credentialId(id, "phone")));
            assertNotNull(page.redirect(), "back to the account console, page was: " + page.text());
            assertTrue(page.redirect().toString().startsWith(accountUrl()), String.valueOf(page.redirect()));
            code = page.redirectParams().get("code");
            assertNotNull(code);
        }
        HttpResponse<String> tokenResponse = http().send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/realms/okta/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=account-console&code=" + enc(code)
                        + "&redirect_uri=" + enc(accountUrl()) + "&code_verifier=" + verifier)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, tokenResponse.statusCode(), tokenResponse.body());
        String accessToken = JSON.readTree(tokenResponse.body()).get("access_token").asText();

        // The person lists their factors and removes the lost phone (Keycloak's account REST API, as the page does).
        Map<String, String> otpIds = accountOtpIds(accessToken);
        assertEquals(Map.of("lost phone", otpIds.get("lost phone"), "phone", otpIds.get("phone")), otpIds);
        HttpResponse<String> removed = http().send(HttpRequest.newBuilder(URI.create(accountUrl() + "credentials/" + otpIds.get("lost phone")))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, removed.statusCode(), removed.body());
        assertEquals(List.of("phone"), List.copyOf(accountOtpIds(accessToken).keySet()));
        assertEquals(List.of("phone"), otpCredentials(okta, id).stream().map(CredentialRepresentation::getUserLabel).toList());
        EventRepresentation event = userEvents(okta, id, "REMOVE_CREDENTIAL").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no REMOVE_CREDENTIAL event"));
        assertEquals("lost phone", event.getDetails().get("credential_user_label"));

        // The removed phone no longer signs in to the account console.
        try (PersonBrowser browser = new PersonBrowser(urls.getBase() + "/realms/okta/protocol")) {
            PersonBrowser.Page page = browser.submit(browser.open(authorize.replace("state=s1", "state=s2")).form("kc-form-login"), Map.of("username", username));
            page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", lostPhone.nextCode()));
            assertNull(page.redirect(), "the removed phone is refused");
            assertTrue(page.text().contains("That code is not right"), page.text());
            page.form("kc-otp-login-form");
        }
    }

    @Test
    public void realmEamsAccountConsoleIsClosedToPoclabPeople() throws Exception {
        // A POCLAB person of realm eam: TOTP and recovery codes from a verification, no password.
        EntraPerson person = enrollThroughEntra();
        String username = eam.admin().users().get(person.id()).toRepresentation().getUsername();
        String authorize = urls.getBase() + "/realms/eam/protocol/openid-connect/auth?client_id=account-console&response_type=code&scope=openid"
                + "&redirect_uri=" + enc(urls.getBase() + "/realms/eam/account/") + "&state=s1&code_challenge="
                + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        long started = System.currentTimeMillis();
        try (PersonBrowser browser = new PersonBrowser(urls.getBase() + "/realms/eam/protocol")) {
            // Realm eam's browser flow signs in through Entra (identity provider "entra", EntraAccountConsoleIT) and
            // nothing else: without that provider, a page saying so; no username, password or code form to try.
            PersonBrowser.Page page = browser.open(authorize + "&login_hint=" + enc(username));
            assertNull(page.redirect(), "no way back to the account console: " + page.redirect());
            assertFalse(page.hasForm("kc-form-login"), "no username or password form in realm eam: " + page.text());
            assertFalse(page.hasForm("kc-otp-login-form"), "no OTP form");
            assertFalse(page.hasForm("kc-totp-settings-form"), "no enrollment either");
            assertTrue(page.text().contains("goes through Microsoft Entra, which is not set up here"), page.text());
            // Asking again (a retry, a hint naming the person's IdP) changes nothing.
            page = browser.open(authorize + "&kc_idp_hint=entra");
            assertFalse(page.hasForm("kc-form-login"), page.text());
            assertTrue(page.text().contains("goes through Microsoft Entra, which is not set up here"), page.text());
        }
        assertTrue(userEvents(eam, person.id(), "LOGIN").stream().noneMatch(e -> "account-console".equals(e.getClientId())),
                "no account console session for the person");
        // This test's two sign-ins (the suite's server records others): a LOGIN_ERROR each, saying the provider is absent.
        List<EventRepresentation> refused = eam.admin().getEvents(List.of("LOGIN_ERROR"), "account-console", null, null, null, null, 0, 100)
                .stream().filter(e -> e.getTime() >= started && "poclab_entra_sign_in_not_configured".equals(e.getError())).toList();
        assertEquals(2, refused.size(), "one LOGIN_ERROR per refused sign-in: " + refused.stream().map(EventRepresentation::getDetails).toList());
        assertTrue(refused.stream().allMatch(e -> e.getDetails().get("reason").contains("which is not configured")
                        && (urls.getBase() + "/realms/eam/account/").equals(e.getDetails().get("redirect_uri"))),
                "each with the reason and this request's redirect_uri: " + refused.stream().map(EventRepresentation::getDetails).toList());
    }

    @Test
    public void aPersonCannotChangeTheirEmailOrUsernameInTheAccountConsole() throws Exception {
        String username = "profile-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.com";
        String other = "someone-else-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.com";
        TotpDevice phone = new TotpDevice(TotpSecrets.random());
        UserRepresentation rep = oktaPerson(username);
        rep.setCredentials(List.of(otp(phone, "phone")));
        String id;
        try (Response created = okta.admin().users().create(rep)) {
            id = CreatedResponseUtil.getCreatedId(created);
        }
        String accessToken = oktaAccountConsoleToken(username, phone);

        // The token works: the person reads their profile and may change their own name.
        JsonNode profile = JSON.readTree(accountGet(accessToken).body());
        assertEquals(username, profile.get("email").asText());
        com.fasterxml.jackson.databind.node.ObjectNode renamed = profile.deepCopy();
        renamed.put("firstName", "Renamed");
        HttpResponse<String> nameChange = accountPost(accessToken, renamed);
        assertEquals(204, nameChange.statusCode(), nameChange.body());
        assertEquals("Renamed", okta.admin().users().get(id).toRepresentation().getFirstName());

        // Another person's email or username: refused or ignored; the stored values stay.
        for (String field : List.of("email", "username")) {
            com.fasterxml.jackson.databind.node.ObjectNode changed = JSON.readTree(accountGet(accessToken).body()).deepCopy();
            changed.put(field, other);
            HttpResponse<String> answer = accountPost(accessToken, changed);
            assertTrue(answer.statusCode() == 204 || answer.statusCode() == 400, field + ": " + answer.statusCode() + " " + answer.body());
            UserRepresentation stored = okta.admin().users().get(id).toRepresentation();
            assertEquals(username, stored.getEmail(), field + " change, answer " + answer.statusCode() + " " + answer.body());
            assertEquals(username, stored.getUsername(), field + " change, answer " + answer.statusCode() + " " + answer.body());
        }
        assertTrue(okta.admin().users().searchByUsername(other, true).isEmpty(), "nobody holds the other address as username");
        assertTrue(okta.admin().users().searchByEmail(other, true).isEmpty(), "nor as email");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Signs in to realm okta's account console as the page does (code + PKCE): username, then the phone's code. */
    private String oktaAccountConsoleToken(String username, TotpDevice phone) throws Exception {
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(UUID.randomUUID().toString().repeat(2).getBytes(StandardCharsets.US_ASCII));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = urls.getBase() + "/realms/okta/protocol/openid-connect/auth?client_id=account-console&response_type=code&scope=openid"
                + "&redirect_uri=" + enc(accountUrl()) + "&state=s1&code_challenge=" + challenge + "&code_challenge_method=S256";
        String code;
        try (PersonBrowser browser = new PersonBrowser(urls.getBase() + "/realms/okta/protocol")) {
            PersonBrowser.Page page = browser.submit(browser.open(authorize).form("kc-form-login"), Map.of("username", username));
            page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            assertNotNull(page.redirect(), "back to the account console, page was: " + page.text());
            code = page.redirectParams().get("code");
            assertNotNull(code);
        }
        HttpResponse<String> tokenResponse = http().send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/realms/okta/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=account-console&code=" + enc(code)
                        + "&redirect_uri=" + enc(accountUrl()) + "&code_verifier=" + verifier)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, tokenResponse.statusCode(), tokenResponse.body());
        return JSON.readTree(tokenResponse.body()).get("access_token").asText();
    }

    /** GET /realms/okta/account/: the person's profile, as the account console reads it. */
    private HttpResponse<String> accountGet(String accessToken) throws Exception {
        HttpResponse<String> answer = http().send(HttpRequest.newBuilder(URI.create(accountUrl()))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer;
    }

    /** POST /realms/okta/account/: what the account console's Personal info page sends. */
    private HttpResponse<String> accountPost(String accessToken, JsonNode profile) throws Exception {
        return http().send(HttpRequest.newBuilder(URI.create(accountUrl()))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(profile))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** First-use enrollment through Entra: TOTP, then the recovery codes shown once, saved. */
    private EntraPerson enrollThroughEntra() throws Exception {
        String oid = TestEntra.newGuid();
        try (Browser browser = browser()) {
            Browser.Page setup = browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page codesPage = browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone"));
            assertNull(codesPage.formPostTo(TestEntra.REDIRECT_URI), "recovery codes come before the answer");
            List<String> codes = RecoveryCodes.shown(codesPage.doc());
            assertNotNull(RecoveryCodes.save(browser, codesPage).formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
            String id = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
            assertTrue(eam.admin().users().get(id).credentials().stream().anyMatch(c -> "recovery-authn-codes".equals(c.getType())),
                    "the person holds recovery codes after enrollment");
            return new EntraPerson(oid, id, phone, codes);
        }
    }

    /** The person presses "Lost your phone or key? Use a recovery code" on the verification page. */
    private static Browser.Page useRecoveryCode(Browser browser, Browser.Page verificationPage) {
        Element button = verificationPage.doc().getElementById("poclab-use-recovery-code");
        assertNotNull(button, "the verification page offers a recovery code:\n" + verificationPage.body());
        assertTrue(button.text().contains("Use a recovery code"), button.text());
        return browser.submit(verificationPage, verificationPage.form("#poclab-recovery-form"), Map.of());
    }

    private JsonNode entraIdToken(Browser.Page answer, Map<String, String> request) throws Exception {
        Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "a form POST to Entra:\n" + answer.body());
        assertEquals(request.get("state"), posted.get("state"));
        assertNotNull(posted.get("id_token"), "an id_token for Entra: " + posted);
        return RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token"));
    }

    private static List<String> amr(JsonNode token) {
        assertTrue(token.get("amr").isArray(), "amr is an array");
        List<String> values = new java.util.ArrayList<>();
        token.get("amr").forEach(v -> values.add(v.asText()));
        return values;
    }

    private EventRepresentation eamEvent(String type, String clientRequestId) {
        return eam.admin().getEvents(List.of(type), null, null, null, null, null, 0, 500).stream()
                .filter(e -> e.getDetails() != null && clientRequestId.equals(e.getDetails().get("client_request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " event for client-request-id " + clientRequestId));
    }

    private static List<EventRepresentation> userEvents(ManagedRealm realm, String userId, String type) {
        return realm.admin().getEvents(List.of(type), null, userId, null, null, null, 0, 100);
    }

    private static List<CredentialRepresentation> otpCredentials(ManagedRealm realm, String userId) {
        return realm.admin().users().get(userId).credentials().stream().filter(c -> "otp".equals(c.getType())).toList();
    }

    private String credentialId(String userId, String label) {
        return okta.admin().users().get(userId).credentials().stream().filter(c -> label.equals(c.getUserLabel()))
                .findFirst().orElseThrow().getId();
    }

    private String provisionOkta(String username) {
        try (Response created = okta.admin().users().create(oktaPerson(username))) {
            return CreatedResponseUtil.getCreatedId(created);
        }
    }

    private static UserRepresentation oktaPerson(String username) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(username);
        user.setEmailVerified(true);
        user.setFirstName("Recovery");
        user.setLastName("Acme");
        user.setEnabled(true);
        return user;
    }

    /** Keycloak's stored form of an enrolled TOTP authenticator, as an admin import carries it. */
    private static CredentialRepresentation otp(TotpDevice device, String label) {
        CredentialRepresentation otp = new CredentialRepresentation();
        otp.setType("otp");
        otp.setUserLabel(label);
        otp.setSecretData("{\"value\":\"" + device.secret() + "\"}");
        otp.setCredentialData("{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}");
        return otp;
    }

    /** The person's OTP credentials by label, as GET /realms/okta/account/credentials lists them. */
    private Map<String, String> accountOtpIds(String accessToken) throws Exception {
        HttpResponse<String> listed = http().send(HttpRequest.newBuilder(URI.create(accountUrl() + "credentials"))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode(), listed.body());
        for (JsonNode type : JSON.readTree(listed.body())) {
            if ("otp".equals(type.get("type").asText())) {
                Map<String, String> ids = new java.util.TreeMap<>();
                for (JsonNode metadata : type.get("userCredentialMetadatas")) {
                    JsonNode credential = metadata.get("credential");
                    ids.put(credential.get("userLabel").asText(), credential.get("id").asText());
                }
                return ids;
            }
        }
        throw new AssertionError("no otp in the account credentials: " + listed.body());
    }

    private String accountUrl() {
        return urls.getBase() + "/realms/okta/account/";
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private Browser browser() {
        return new Browser(urls.getBase());
    }

    private String authEndpoint() {
        return urls.getBase() + "/realms/eam/protocol/openid-connect/auth";
    }

    /** Random Base32 TOTP secrets for people an admin imports with an authenticator already set up. */
    private static final class TotpSecrets {
        private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

        static String random() {
            return java.util.stream.IntStream.range(0, 32).mapToObj(i -> String.valueOf(BASE32.charAt(RANDOM.nextInt(32))))
                    .collect(Collectors.joining());
        }
    }
}
