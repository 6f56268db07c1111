package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.poclab.trust.okta.OktaConstants;
import org.apache.http.client.utils.URLEncodedUtils;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Issue 7, verification pages and the cancel endpoint: framing headers on every page a person
 * sees, values from Entra, Okta or the person shown as text, a flow that cannot be carried into
 * another browser, and cancels that do not belong to a flow of this browser.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class VerificationPagesSecurityIT {

    private static final String TENANT = TestEntra.newGuid();
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

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
    void configureRealms() {
        PoclabEam.trust(eam.admin(), entra, TENANT);
        new OktaIntegrationAdmin(okta.admin()).configureOrg(OktaFlowIT.ORG, null);
    }

    // ---- clickjacking ----------------------------------------------------------------------------

    @Test
    public void everyVerificationPageForbidsFramingByOtherSites() throws Exception {
        List<RawBrowser.Page> pages = new ArrayList<>();
        String oid = TestEntra.newGuid();
        try (RawBrowser browser = browser()) {
            // Entra: TOTP setup, the answer posted to Entra, then the OTP page of a later request.
            RawBrowser.Page setup = browser.post(eamAuth(), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            pages.add(setup);
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            RawBrowser.Page codes = browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone"));
            pages.add(codes);
            pages.add(RecoveryCodes.save(browser, codes));
            RawBrowser.Page otp = browser.post(eamAuth(), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            assertTrue(otp.has("#kc-otp-login-form"), otp.body());
            pages.add(otp);
            pages.add(browser.submit(otp, otp.form("#kc-otp-login-form"), Map.of("otp", phone.wrongCode())));
            // A refusal (protocol answer) and Keycloak's error page (a redirect_uri nobody registered).
            pages.add(browser.post(eamAuth(), PoclabEam.entraRequest("not-a-jwt")));
            Map<String, String> foreign = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
            foreign.put("redirect_uri", "https://evil.example/callback");
            pages.add(browser.post(eamAuth(), foreign));
        }
        try (RawBrowser browser = browser(); TestOkta testOkta = testOkta()) {
            // Okta: identification page, the refusal of a stranger, and POCLAB's cancel error page.
            RawBrowser.Page identify = browser.get(testOkta.authorize("nobody-" + TestEntra.newGuid() + "@acme.com", false).url());
            pages.add(identify);
            pages.add(browser.submit(identify, identify.form("#kc-form-login"), Map.of()));
            pages.add(browser.post(urls.getBase() + "/realms/okta/poclab/cancel", Map.of()));
        }
        int checked = 0;
        for (RawBrowser.Page page : pages) {
            List<RawBrowser.Page> all = new ArrayList<>(page.hops());
            all.add(page);
            for (RawBrowser.Page response : all) {
                String type = response.header("Content-Type");
                if (type == null || !type.startsWith("text/html")) {
                    continue;
                }
                String where = response.status() + " " + response.url();
                String frameOptions = response.header("X-Frame-Options");
                assertNotNull(frameOptions, "X-Frame-Options on " + where + " " + response.headers());
                assertTrue(List.of("SAMEORIGIN", "DENY").contains(frameOptions.toUpperCase()), frameOptions + " on " + where);
                String csp = response.header("Content-Security-Policy");
                assertNotNull(csp, "Content-Security-Policy on " + where);
                assertTrue(csp.contains("frame-ancestors 'self'") || csp.contains("frame-ancestors 'none'"), csp + " on " + where);
                checked++;
            }
        }
        assertTrue(checked >= pages.size(), "every page is an HTML page that was checked: " + checked + " of " + pages.size());
    }

    // ---- reflected values ----------------------------------------------------------------------------

    @Test
    public void namesFromEntrasHintAreShownAsText() throws Exception {
        String markup = "\"><script>alert('upn')</script>@<img src=x onerror=alert(1)>.com";
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid())
                .claim("preferred_username", markup).claim("upn", markup).claim("name", "<script>alert('name')</script>")
                .claim("given_name", "<b>Alice</b>").build());
        try (RawBrowser browser = browser()) {
            RawBrowser.Page setup = browser.post(eamAuth(), request);
            setup.form("#kc-totp-settings-form");
            assertInert(setup);
        }
    }

    /** Under first-use a person named anything can be created from Okta's side: the name must stay text everywhere. */
    @Test
    public void aUsernameAndOrganizationMadeOfMarkupAreShownAsText() throws Exception {
        String username = "mallory\"><script>alert('u')</script>@<img src=x onerror=alert(2)>.com";
        Map<String, String> before = oktaSettings().getConfig();
        setOktaPolicy("first-use");
        try (RawBrowser browser = browser(); TestOkta testOkta = testOkta()) {
            RawBrowser.Page identify = browser.get(testOkta.authorize(username, false).url());
            assertInert(identify);
            RawBrowser.Page setup = browser.submit(identify, identify.form("#kc-form-login"), Map.of());
            setup.form("#kc-totp-settings-form");
            assertInert(setup);
            String requires = setup.doc().getElementById("poclab-requires").text();
            assertTrue(requires.contains(username.toLowerCase()), "the name is shown, as text: " + requires);
        } finally {
            AuthenticatorConfigRepresentation settings = oktaSettings();
            settings.setConfig(before);
            okta.admin().flows().updateAuthenticatorConfig(settings.getId(), settings);
            for (UserRepresentation created : okta.admin().users().searchByUsername(username.toLowerCase(), true)) {
                okta.admin().users().get(created.getId()).remove();
            }
        }
    }

    // ---- a flow's session in another browser -------------------------------------------------------------

    @Test
    public void aVerificationStartedInOneBrowserCannotBeFinishedFromAnother() throws Exception {
        String oid = TestEntra.newGuid();
        TotpDevice phone = enroll(oid);
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (RawBrowser victim = browser(); RawBrowser attacker = browser()) {
            RawBrowser.Page otpPage = victim.post(eamAuth(), request);
            Element form = otpPage.form("#kc-otp-login-form");
            Set<String> before = eventIds(eam.admin());

            // The attacker has the page's URLs (session_code, execution, tab_id) and even a valid code, not the cookie.
            RawBrowser.Page stolen = attacker.submit(otpPage, form, Map.of("otp", phone.nextCode()));
            assertTrue(stolen.status() < 500, "no server error: " + stolen.status());
            assertNull(stolen.formPostTo(TestEntra.REDIRECT_URI), "nothing is posted to Entra from the other browser:\n" + stolen.body());
            assertFalse(stolen.body().contains("id_token"));
            assertTrue(newEvents(eam.admin(), before).stream().noneMatch(e -> "LOGIN".equals(e.getType())), "no sign-in");
            assertTrue(newEvents(eam.admin(), before).stream().anyMatch(e -> e.getType().endsWith("_ERROR")),
                    "the refusal is an event: " + newEvents(eam.admin(), before).stream().map(e -> e.getType() + "/" + e.getError()).toList());

            // The person's own browser is not disturbed.
            RawBrowser.Page answer = victim.submit(otpPage, form, Map.of("otp", phone.nextCode()));
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, answer.body());
            assertNotNull(posted.get("id_token"), "the person finishes in their own browser");
        }
    }

    // ---- cancel endpoint -------------------------------------------------------------------------------

    @Test
    public void aCancelWithoutAVerificationInThisBrowserGetsAClearPageAndAnEvent() throws Exception {
        String oid = TestEntra.newGuid();
        enroll(oid);
        try (RawBrowser victim = browser(); RawBrowser stranger = browser()) {
            RawBrowser.Page otpPage = victim.post(eamAuth(), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            Map<String, String> ids = query(otpPage.form("#kc-otp-login-form").absUrl("action"));
            String cancel = urls.getBase() + "/realms/eam/poclab/cancel";
            List<String> attempts = List.of(cancel, cancel + "?client_id=poclab-eam", cancel + "?client_id=no-such-client&tab_id=x",
                    cancel + "?client_id=poclab-eam&tab_id=" + ids.get("tab_id"));
            for (String attempt : attempts) {
                Set<String> before = eventIds(eam.admin());
                RawBrowser.Page page = stranger.post(attempt, Map.of());
                assertEquals(400, page.status(), attempt);
                assertNull(page.formPostTo(TestEntra.REDIRECT_URI), "a stranger's cancel answers nobody: " + attempt);
                assertFalse(page.doc().text().isBlank(), "a page that says something");
                List<EventRepresentation> events = newEvents(eam.admin(), before);
                assertEquals(1, events.size(), attempt + ": " + events);
                assertEquals("session_expired", events.get(0).getError(), attempt);
                assertTrue(events.get(0).getDetails().get("reason").contains("no verification in progress"), events.get(0).getDetails().toString());
            }
            // The victim's verification goes on.
            assertTrue(victim.get(otpPage.url()).status() < 500);
        }
    }

    @Test
    public void aCrossSiteCancelWithAGuessedTabIdChangesNothing() throws Exception {
        String oid = TestEntra.newGuid();
        TotpDevice phone = enroll(oid);
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (RawBrowser victim = browser()) {
            RawBrowser.Page otpPage = victim.post(eamAuth(), request);
            Element form = otpPage.form("#kc-otp-login-form");
            // Another site makes the victim's browser (with its cookies) post a cancel; it cannot read the page's tab_id.
            RawBrowser.Page forged = victim.post(urls.getBase() + "/realms/eam/poclab/cancel?client_id=poclab-eam&tab_id=" + TestEntra.randomBase64(11),
                    List.of(), Map.of("Origin", "https://evil.example", "Referer", "https://evil.example/page"));
            assertEquals(400, forged.status());
            assertNull(forged.formPostTo(TestEntra.REDIRECT_URI));

            RawBrowser.Page answer = victim.submit(otpPage, form, Map.of("otp", phone.nextCode()));
            assertNotNull(answer.formPostTo(TestEntra.REDIRECT_URI).get("id_token"), "the verification finished normally");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private RawBrowser browser() {
        return new RawBrowser(urls.getBase());
    }

    private String eamAuth() {
        return urls.getBase() + "/realms/eam/protocol/openid-connect/auth";
    }

    private TestOkta testOkta() {
        return new TestOkta(urls.getBase() + "/realms/okta", OktaConstants.CLIENT_ID, new OktaIntegrationAdmin(okta.admin()).secret(),
                OktaFlowIT.CALLBACK);
    }

    private TotpDevice enroll(String oid) throws Exception {
        try (RawBrowser browser = browser()) {
            RawBrowser.Page setup = browser.post(eamAuth(), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            RawBrowser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
            assertNotNull(answer.formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
            return phone;
        }
    }

    private static void assertInert(RawBrowser.Page page) {
        assertTrue(page.status() < 500, "no server error: " + page.status());
        assertFalse(page.body().contains("<script>alert("), "raw script in page:\n" + page.body());
        assertFalse(page.body().contains("<img src=x"), "raw markup in page:\n" + page.body());
        assertFalse(page.body().contains("<b>Alice"), "raw markup in page:\n" + page.body());
        assertTrue(page.doc().select("script").stream().noneMatch(s -> s.data().contains("alert(")), "an injected script element");
        assertTrue(page.doc().select("img[src=x], img[onerror]").isEmpty(), "an injected element:\n" + page.body());
    }

    private AuthenticatorConfigRepresentation oktaSettings() {
        String configId = okta.admin().flows().getExecutions("poclab okta").stream()
                .filter(e -> "poclab-okta-person".equals(e.getProviderId()))
                .map(AuthenticationExecutionInfoRepresentation::getAuthenticationConfig).findFirst().orElseThrow();
        return okta.admin().flows().getAuthenticatorConfig(configId);
    }

    private void setOktaPolicy(String policy) {
        AuthenticatorConfigRepresentation settings = oktaSettings();
        Map<String, String> config = new HashMap<>(settings.getConfig());
        config.put("enrollment.policy", policy);
        settings.setConfig(config);
        okta.admin().flows().updateAuthenticatorConfig(settings.getId(), settings);
    }

    private static Set<String> eventIds(RealmResource realm) {
        return realm.getEvents(null, null, null, null, null, null, 0, 2000).stream().map(EventRepresentation::getId).collect(Collectors.toSet());
    }

    private static List<EventRepresentation> newEvents(RealmResource realm, Set<String> before) {
        return realm.getEvents(null, null, null, null, null, null, 0, 2000).stream().filter(e -> !before.contains(e.getId())).toList();
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        URLEncodedUtils.parse(URI.create(url), StandardCharsets.UTF_8).forEach(p -> params.put(p.getName(), p.getValue()));
        return params;
    }
}
