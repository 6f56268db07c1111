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
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.poclab.trust.okta.OktaConstants;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Issue 9, enrollment link: an admin makes a one-time link (a Keycloak action token) through
 * {@code /admin/realms/{realm}/poclab-enrollment}, the person enrolls with it before Entra or
 * Okta ever sends them, and their first verification then asks for that factor.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EnrollmentLinkIT {

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

    private final HttpClient http = HttpClient.newHttpClient();

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

    @Test
    @DisplayName("Admin copies a link -> the person enrolls TOTP with it, the link refuses a second use, Entra's first request asks for the code")
    void aLinkEnrollsTotpOnceAndEntraThenAsksForThatFactor() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        String upn = String.valueOf(hint.claimValue("upn"));
        String userId = declare(eam.admin(), upn, null);

        Reply made = adminPost("eam", userId, "link", "factor=otp", adminToken());
        assertEquals(200, made.status(), made.body());
        String link = made.json().get("link").asText();
        Instant expiresAt = Instant.parse(made.json().get("expiresAt").asText());
        long hours = Duration.between(Instant.now(), expiresAt).toHours();
        assertTrue(hours >= 11 && hours <= 12, "the realm's admin action lifespan (12 h by default): " + expiresAt);
        assertTrue(link.startsWith(urls.getBase() + "/realms/eam/login-actions/action-token?key="), link);

        // The person opens the link and proceeds: Keycloak's TOTP setup, then a clear done page.
        TotpDevice phone;
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page setup = EnrollmentLinkConfirmation.open(browser, link);
            Element form = setup.form("#kc-totp-settings-form");
            phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page done = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
            assertEquals(200, done.status());
            assertTrue(done.doc().text().contains("your POCLAB factor is set up"), done.doc().text());
        }
        assertEquals(List.of("otp", "recovery-authn-codes"), credentialTypes(eam.admin(), userId));

        // Who made the link is in the admin events; the link itself is not.
        AdminEventRepresentation made1 = eam.admin().getAdminEvents(List.of("ACTION"), null, null, null, null, null, null, null, 0, 100)
                .stream().filter(e -> e.getResourcePath() != null && e.getResourcePath().contains(userId + "/link"))
                .findFirst().orElseThrow(() -> new AssertionError("no admin event for the link"));
        assertEquals(tokenSubject(adminToken()), made1.getAuthDetails().getUserId(), "the admin who made it");
        assertEquals("USER", made1.getResourceType());
        assertNotNull(made1.getRepresentation(), "the event says which factor and until when");
        assertFalse(made1.getRepresentation().contains(link.substring(link.indexOf("key=") + 4)), "never the token");
        EventRepresentation opened = userEvents(eam.admin(), userId, "EXECUTE_ACTIONS").get(0);
        assertEquals("otp", opened.getDetails().get("poclab_factor"));
        assertNotNull(opened.getDetails().get("poclab_enrollment_link"));

        // A second use of the same link is refused with a page that says so.
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page again = browser.get(link);
            assertEquals(400, again.status());
            assertTrue(again.doc().text().contains("already been used"), again.doc().text());
            assertFalse(again.body().contains("kc-totp-settings-form"));
        }
        EventRepresentation reused = userEvents(eam.admin(), userId, "EXECUTE_ACTIONS_ERROR").get(0);
        assertEquals("poclab_enrollment_link_used", reused.getError());
        assertEquals(opened.getDetails().get("poclab_enrollment_link"), reused.getDetails().get("poclab_enrollment_link"), "the event names the link");
        assertEquals(List.of("otp", "recovery-authn-codes"), credentialTypes(eam.admin(), userId), "nothing enrolled by the refused use");

        // Entra sends the person for the first time: the OTP form (no enrollment), amr otp.
        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page otpPage = browser.post(urls.getBase() + "/realms/eam/protocol/openid-connect/auth", request);
            assertFalse(otpPage.body().contains("kc-totp-settings-form"), "no enrollment at sign-in");
            Browser.Page answer = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, answer.body());
            assertEquals(request.get("state"), posted.get("state"));
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token"));
            assertEquals("[\"otp\"]", token.get("amr").toString());
            assertEquals(hint.claimValue("sub"), token.get("sub").asText());
            assertEquals(oid, token.get("oid").asText());
        }
    }

    @Test
    @DisplayName("A link opened after its lifespan -> an 'expired' page, nothing enrolled, an event")
    void anExpiredLinkIsRefused() throws Exception {
        String userId = declare(eam.admin(), "expired-" + TestEntra.newGuid().substring(0, 8) + "@contoso.com", null);
        Reply made = adminPost("eam", userId, "link", "lifespan=1", adminToken());
        assertEquals(200, made.status(), made.body());
        Thread.sleep(2_500);
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page page = browser.get(made.json().get("link").asText());
            assertEquals(400, page.status());
            assertTrue(page.doc().text().contains("This link has expired"), page.doc().text());
            assertFalse(page.body().contains("kc-totp-settings-form"));
        }
        assertEquals(List.of(), credentialTypes(eam.admin(), userId));
        assertEquals("expired_code", userEvents(eam.admin(), userId, "EXECUTE_ACTION_TOKEN_ERROR").get(0).getError());
    }

    @Test
    @DisplayName("A person disabled after their link was made -> the link is refused; no link is made for a disabled person")
    void aLinkOfADisabledPersonIsRefused() throws Exception {
        String userId = declare(eam.admin(), "disabled-" + TestEntra.newGuid().substring(0, 8) + "@contoso.com", null);
        Reply made = adminPost("eam", userId, "link", "", adminToken());
        assertEquals(200, made.status(), made.body());
        UserRepresentation user = eam.admin().users().get(userId).toRepresentation();
        user.setEnabled(false);
        eam.admin().users().get(userId).update(user);

        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page page = browser.get(made.json().get("link").asText());
            assertEquals(400, page.status());
            assertTrue(page.doc().text().contains("disabled"), page.doc().text());
            assertFalse(page.body().contains("kc-totp-settings-form"));
        }
        assertEquals(List.of(), credentialTypes(eam.admin(), userId));
        assertEquals(400, adminPost("eam", userId, "link", "", adminToken()).status(), "no new link for a disabled person");

        // Deleted after the link was made: refused at use too (Keycloak looks the person up when the link is opened).
        String goneId = declare(eam.admin(), "deleted-" + TestEntra.newGuid().substring(0, 8) + "@contoso.com", null);
        Reply goneLink = adminPost("eam", goneId, "link", "", adminToken());
        assertEquals(200, goneLink.status(), goneLink.body());
        eam.admin().users().get(goneId).remove();
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page page = browser.get(goneLink.json().get("link").asText());
            assertEquals(400, page.status());
            assertFalse(page.body().contains("kc-totp-settings-form"));
            assertFalse(page.body().contains("registerWebAuthn"));
        }
        assertTrue(eam.admin().getEvents(List.of("EXECUTE_ACTIONS_ERROR", "EXECUTE_ACTION_TOKEN_ERROR"), null, goneId, null, null, null, 0, 20)
                .stream().anyMatch(e -> "user_not_found".equals(e.getError())), "a user_not_found event for the deleted person");
    }

    @Test
    @DisplayName("One link opened in two browsers -> the first to proceed claims it; the second is refused when it proceeds (already used, an event) and"
            + " registers nothing; the first finishes and its code passes Entra's verification")
    void aLinkOpenedInTwoBrowsersEnrollsOnlyTheFirstToProceed() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        String userId = declare(eam.admin(), String.valueOf(hint.claimValue("upn")), null);
        Reply made = adminPost("eam", userId, "link", "factor=otp", adminToken());
        assertEquals(200, made.status(), made.body());
        String link = made.json().get("link").asText();
        TotpDevice phone;
        try (Browser first = new Browser(urls.getBase()); Browser second = new Browser(urls.getBase())) {
            Browser.Page firstConfirmation = first.get(link);
            Browser.Page secondConfirmation = second.get(link);

            Browser.Page firstSetup = EnrollmentLinkConfirmation.proceed(first, firstConfirmation);
            Element form = firstSetup.form("#kc-totp-settings-form");
            phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            String linkId = userEvents(eam.admin(), userId, "EXECUTE_ACTIONS").get(0).getDetails().get("poclab_enrollment_link");
            assertNotNull(linkId, "proceeding claims the link, an event names it");

            Browser.Page refused = EnrollmentLinkConfirmation.proceed(second, secondConfirmation);
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.doc().text().contains("already been used"), refused.doc().text());
            assertFalse(refused.body().contains("kc-totp-settings-form"), "no setup page for the second browser");
            EventRepresentation event = userEvents(eam.admin(), userId, "EXECUTE_ACTIONS_ERROR").get(0);
            assertEquals("poclab_enrollment_link_used", event.getError());
            assertEquals(linkId, event.getDetails().get("poclab_enrollment_link"), "the event names the link");
            assertEquals(List.of(), credentialTypes(eam.admin(), userId), "the refused browser registered nothing");

            Browser.Page done = RecoveryCodes.save(first, first.submit(firstSetup, form, Map.of("totp", phone.nextCode(), "userLabel", "first")));
            assertTrue(done.doc().text().contains("your POCLAB factor is set up"), done.doc().text());
        }
        List<CredentialRepresentation> credentials = eam.admin().users().get(userId).credentials();
        assertEquals(List.of("otp", "recovery-authn-codes"), credentials.stream().map(CredentialRepresentation::getType).toList(),
                "exactly the first browser's authenticator and one set of recovery codes");
        assertEquals("first", credentials.get(0).getUserLabel());

        // The first browser's authenticator passes the person's first Entra verification.
        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page otpPage = browser.post(urls.getBase() + "/realms/eam/protocol/openid-connect/auth", request);
            Browser.Page answer = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, answer.body());
            assertEquals("[\"otp\"]", RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token")).get("amr").toString());
        }
    }

    @Test
    @DisplayName("A mail scanner fetches the link (and its proceed link, without the browser's cookie) -> only the confirmation page; the person then enrolls with it")
    void theConfirmationPageAloneLeavesTheLinkUsable() throws Exception {
        String userId = declare(eam.admin(), "scanned-" + TestEntra.newGuid().substring(0, 8) + "@contoso.com", null);
        Reply made = adminPost("eam", userId, "link", "factor=otp", adminToken());
        assertEquals(200, made.status(), made.body());
        String link = made.json().get("link").asText();

        try (Browser scanner = new Browser(urls.getBase())) {
            Browser.Page confirmation = scanner.get(link);
            String proceed = EnrollmentLinkConfirmation.proceedLink(confirmation.status(), confirmation.doc());
            assertFalse(confirmation.body().contains("kc-totp-settings-form"), "no setup page before the person proceeds");
            try (Browser cookieless = new Browser(urls.getBase())) {
                Browser.Page followed = cookieless.get(proceed);
                EnrollmentLinkConfirmation.proceedLink(followed.status(), followed.doc());
            }
            Browser.Page again = scanner.get(link);
            EnrollmentLinkConfirmation.proceedLink(again.status(), again.doc());
        }
        assertEquals(List.of(), credentialTypes(eam.admin(), userId));
        assertTrue(eam.admin().getEvents(List.of("EXECUTE_ACTIONS", "EXECUTE_ACTIONS_ERROR"), null, userId, null, null, null, 0, 20).isEmpty(),
                "nothing claimed or refused");

        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page setup = EnrollmentLinkConfirmation.open(browser, link);
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page done = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
            assertTrue(done.doc().text().contains("your POCLAB factor is set up"), done.doc().text());
        }
        assertEquals(List.of("otp", "recovery-authn-codes"), credentialTypes(eam.admin(), userId));
    }

    @Test
    @DisplayName("send: no email settings in the realm -> 409 saying so; the mail server refuses -> 502 with the reason; nothing sent, no admin event")
    void sendWithoutWorkingEmailSettingsSaysWhy() throws Exception {
        RealmResource realm = eam.admin();
        Map<String, String> smtpBefore = realm.toRepresentation().getSmtpServer();
        MailServer mail = new MailServer("localhost", 3025);
        try {
            String username = "nomail-" + TestEntra.newGuid().substring(0, 8) + "@contoso.com";
            String userId = declare(realm, username, username);

            setSmtp(realm, new HashMap<>());
            Reply noSettings = adminPost("eam", userId, "send", "factor=otp", adminToken());
            assertEquals(409, noSettings.status(), noSettings.body());
            assertNotNull(noSettings.json(), "a JSON answer: " + noSettings.body());
            String why = noSettings.json().get("errorMessage").asText();
            assertTrue(why.contains("realm eam has no email settings") && why.contains("Realm settings > Email"), why);

            int closedPort;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                closedPort = probe.getLocalPort();
            }
            setSmtp(realm, Map.of("host", "localhost", "port", String.valueOf(closedPort), "from", "poclab@acme.test"));
            Reply refused = adminPost("eam", userId, "send", "factor=otp", adminToken());
            assertEquals(502, refused.status(), refused.body());
            String reason = refused.json().get("errorMessage").asText();
            assertTrue(reason.contains("mail server of realm eam (localhost) did not take the enrollment email"), reason);
            assertFalse(reason.contains("key="), "never the link: " + reason);

            assertFalse(mail.waitForIncomingEmail(1_000, 1), "nothing was sent");
            assertTrue(realm.getAdminEvents(List.of("ACTION"), null, null, null, null, null, null, null, 0, 100).stream()
                    .noneMatch(e -> e.getResourcePath() != null && e.getResourcePath().contains(userId + "/send")), "no admin event for a link not sent");
            assertEquals(List.of(), credentialTypes(realm, userId));
        } finally {
            setSmtp(realm, smtpBefore == null ? new HashMap<>() : smtpBefore);
            mail.stop();
        }
    }

    @Test
    @DisplayName("A link opened in a browser where another person is signed in -> refused, nothing enrolled, an event naming the signed-in person")
    void aLinkIsRefusedWhileSomeoneElseIsSignedIn() throws Exception {
        RealmResource realm = okta.admin();
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(realm);
        integration.configureOrg(OktaFlowIT.ORG, null);
        try (TestOkta testOkta = new TestOkta(urls.getBase() + "/realms/" + PoclabRealms.OKTA, OktaConstants.CLIENT_ID,
                integration.secret(), OktaFlowIT.CALLBACK)) {
            // Person A signs in through Okta (enrolling TOTP): the browser now holds A's Keycloak session.
            String signedIn = "signed-in-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
            String signedInId = declare(realm, signedIn, signedIn);
            String other = "other-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
            String otherId = declare(realm, other, other);
            Reply otherLink = adminPost("okta", otherId, "link", "factor=otp", adminToken());
            assertEquals(200, otherLink.status(), otherLink.body());

            TestOkta.Authorization authz = testOkta.authorize(signedIn, false);
            try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
                PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
                Element form = page.form("kc-totp-settings-form");
                TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
                page = RecoveryCodes.save(browser, browser.submit(form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
                assertEquals(authz.state(), page.redirectParams().get("state"), "A is signed in");

                // B's link in A's browser.
                PersonBrowser.Page refused = browser.open(otherLink.json().get("link").asText());
                assertEquals(400, refused.status(), refused.text());
                assertTrue(refused.text().contains("already authenticated as different user"), refused.text());
                assertFalse(refused.hasForm("kc-totp-settings-form"));
            }
            assertEquals(List.of(), credentialTypes(realm, otherId), "nothing enrolled for B");
            assertEquals(List.of("otp", "recovery-authn-codes"), credentialTypes(realm, signedInId));
            EventRepresentation event = realm.getEvents(null, null, otherId, null, null, null, 0, 20).stream()
                    .filter(e -> "different_user_authenticated".equals(e.getError())).findFirst()
                    .orElseThrow(() -> new AssertionError("no different_user_authenticated event for B"));
            assertEquals(signedInId, event.getDetails().get("previous_user"), "the event names who is signed in");
        }
    }

    @Test
    @DisplayName("No admin token -> 401; an admin who may only view people -> 403; bad requests -> 400/404")
    void onlyAnAdminWhoManagesPeopleGetsALink() throws Exception {
        String userId = declare(eam.admin(), "perm-" + TestEntra.newGuid().substring(0, 8) + "@contoso.com", null);
        assertEquals(401, adminPost("eam", userId, "link", "", null).status());
        assertEquals(401, adminPost("eam", userId, "send", "", null).status());

        RealmResource master = admin.realm("master");
        String viewerName = "viewer-" + TestEntra.newGuid().substring(0, 8);
        String viewerId = declare(master, viewerName, viewerName + "@acme.test");
        try {
            CredentialRepresentation password = new CredentialRepresentation();
            password.setType(CredentialRepresentation.PASSWORD);
            password.setValue("viewer-password-123");
            password.setTemporary(false);
            master.users().get(viewerId).resetPassword(password);
            String eamRealmClient = master.clients().findByClientId("eam-realm").get(0).getId();
            master.users().get(viewerId).roles().clientLevel(eamRealmClient)
                    .add(List.of(master.clients().get(eamRealmClient).roles().get("view-users").toRepresentation()));

            String viewerToken = passwordToken(viewerName, "viewer-password-123");
            assertEquals(403, adminPost("eam", userId, "link", "", viewerToken).status());
            assertEquals(403, adminPost("eam", userId, "send", "", viewerToken).status());
        } finally {
            master.users().get(viewerId).remove();
        }

        String token = adminToken();
        assertEquals(400, adminPost("eam", userId, "link", "factor=sms", token).status(), "unknown factor");
        assertEquals(400, adminPost("eam", userId, "link", "lifespan=0", token).status(), "lifespan out of range");
        assertEquals(400, adminPost("eam", userId, "link", "lifespan=2592001", token).status(), "lifespan over 30 days");
        Reply notANumber = adminPost("eam", userId, "link", "lifespan=abc", token);
        assertEquals(400, notANumber.status(), "a lifespan that is not a number is a bad request, not 404: " + notANumber.body());
        assertTrue(notANumber.json().get("errorMessage").asText().contains("lifespan must be a number of seconds"), notANumber.body());
        assertEquals(404, adminPost("eam", TestEntra.newGuid(), "link", "", token).status(), "unknown person");
        assertEquals(400, adminPost("eam", userId, "send", "", token).status(), "a person without email cannot be sent a link");
        assertEquals(List.of(), credentialTypes(eam.admin(), userId));
    }

    @Test
    @DisplayName("Admin sends the link -> the email arrives with a working link; Okta's first request then asks for the code")
    void aSentLinkArrivesByEmailAndWorks() throws Exception {
        // Keycloak's test framework offers GreenMail (keycloak-test-framework-email-server) on localhost:3025.
        MailServer mail = new MailServer("localhost", 3025);
        RealmResource realm = okta.admin();
        Map<String, String> smtpBefore = realm.toRepresentation().getSmtpServer();
        RealmRepresentation smtp = new RealmRepresentation();
        smtp.setSmtpServer(Map.of("host", "localhost", "port", "3025", "from", "poclab@acme.test"));
        realm.update(smtp);
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(realm);
        integration.configureOrg(OktaFlowIT.ORG, null);
        try (TestOkta testOkta = new TestOkta(urls.getBase() + "/realms/" + PoclabRealms.OKTA, OktaConstants.CLIENT_ID,
                integration.secret(), OktaFlowIT.CALLBACK)) {
            String username = "mailed-" + TestEntra.newGuid().substring(0, 8) + "@acme.com";
            String userId = declare(realm, username, username);

            Reply sent = adminPost("okta", userId, "send", "factor=otp", adminToken());
            assertEquals(200, sent.status(), sent.body());
            assertEquals(username, sent.json().get("sentTo").asText());
            assertNull(sent.json().get("link"), "a sent link is not shown to the admin");

            assertTrue(mail.waitForIncomingEmail(10_000, 1), "an email arrives");
            MimeMessage message = mail.getLastReceivedMessage();
            assertEquals(username, message.getAllRecipients()[0].toString());
            Matcher found = Pattern.compile("(http://[^\\s\"<>]+/login-actions/action-token\\?key=[A-Za-z0-9._-]+)")
                    .matcher(plainText(message));
            assertTrue(found.find(), "the email carries the link");
            String link = found.group(1).replace("&amp;", "&");

            TotpDevice phone;
            try (Browser browser = new Browser(urls.getBase())) {
                Browser.Page setup = EnrollmentLinkConfirmation.open(browser, link);
                Element form = setup.form("#kc-totp-settings-form");
                phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
                Browser.Page done = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
                assertTrue(done.doc().text().contains("your POCLAB factor is set up"), done.doc().text());
            }
            assertTrue(realm.getAdminEvents(List.of("ACTION"), null, null, null, null, null, null, null, 0, 100).stream()
                    .anyMatch(e -> e.getResourcePath().contains(userId + "/send")), "the admin event of the sending");

            // Okta sends the person for the first time: the OTP form, no enrollment, amr otp.
            TestOkta.Authorization authz = testOkta.authorize(username, false);
            try (PersonBrowser browser = new PersonBrowser(urls.getBase())) {
                PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
                assertFalse(page.hasForm("kc-totp-settings-form"), "no enrollment at sign-in");
                page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", phone.nextCode()));
                Map<String, String> callback = page.redirectParams();
                assertEquals(authz.state(), callback.get("state"));
                TestOkta.Reply tokens = testOkta.redeem(callback.get("code"), authz, TestOkta.ClientAuth.CLIENT_SECRET_BASIC);
                assertEquals(200, tokens.status(), tokens.body());
                assertEquals("[\"otp\"]", testOkta.verifiedClaims(tokens.field("id_token")).get("amr").toString());
            }
        } finally {
            RealmRepresentation restore = new RealmRepresentation();
            restore.setSmtpServer(smtpBefore == null ? new HashMap<>() : smtpBefore);
            realm.update(restore);
            mail.stop();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    record Reply(int status, String body, JsonNode json) {
    }

    /** POST /admin/realms/{realm}/poclab-enrollment/users/{id}/{action}?{query} as the holder of {@code token}. */
    private Reply adminPost(String realm, String userId, String action, String query, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.getBase() + "/admin/realms/" + realm
                        + "/poclab-enrollment/users/" + userId + "/" + action + (query.isEmpty() ? "" : "?" + query)))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (response.headers().firstValue("Content-Type").orElse("").contains("json") && !response.body().isEmpty()) {
            json = JSON.readTree(response.body());
        }
        return new Reply(response.statusCode(), response.body(), json);
    }

    private static void setSmtp(RealmResource realm, Map<String, String> smtp) {
        RealmRepresentation update = new RealmRepresentation();
        update.setSmtpServer(smtp);
        realm.update(update);
    }

    /** The text/plain part of Keycloak's email, decoded. */
    private static String plainText(MimeMessage message) throws Exception {
        Object content = message.getContent();
        if (content instanceof Multipart parts) {
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart part = parts.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    return String.valueOf(part.getContent());
                }
            }
            throw new AssertionError("no text/plain part in the email");
        }
        return String.valueOf(content);
    }

    private static String tokenSubject(String accessToken) throws Exception {
        String payload = accessToken.split("\\.")[1];
        return JSON.readTree(java.util.Base64.getUrlDecoder().decode(payload)).get("sub").asText();
    }

    private String adminToken() {
        return admin.tokenManager().getAccessTokenString();
    }

    private String passwordToken(String username, String password) throws Exception {
        String form = "grant_type=password&client_id=admin-cli&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    /** What an admin does before the person's first sign-in: declares them (username = UPN / Okta username). */
    private static String declare(RealmResource realm, String username, String email) {
        UserRepresentation user = new UserRepresentation();
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

    private static List<String> credentialTypes(RealmResource realm, String userId) {
        return realm.users().get(userId).credentials().stream().map(CredentialRepresentation::getType).toList();
    }

    private static List<EventRepresentation> userEvents(RealmResource realm, String userId, String type) {
        List<EventRepresentation> events = realm.getEvents(List.of(type), null, userId, null, null, null, 0, 20);
        assertFalse(events.isEmpty(), "no " + type + " event for " + userId);
        return events;
    }
}
