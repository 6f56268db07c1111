package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.poclab.trust.it.TestOkta.Authorization;
import com.poclab.trust.it.TestOkta.ClientAuth;
import com.poclab.trust.it.TestOkta.Reply;
import com.poclab.trust.okta.OktaConstants;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Issue 7, Okta endpoints: PKCE downgrade, client secret guessing, markup in login_hint, and
 * one person's name with another person's factor. Okta's side as docs/okta.md describes it
 * ({@link TestOkta}); the person's browser is {@link RawBrowser}.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class OktaEndpointSecurityIT {

    private static final String LOGIN_HINT_MARKUP = "\"><script>alert('hint')</script><img src=x onerror=alert(1)>@acme.com";
    private static final String DOMAIN_MARKUP = "mallory@<img src=x onerror=alert(3)>.com";

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    private OktaIntegrationAdmin integration;
    private TestOkta testOkta;
    private final List<RawBrowser> browsers = new ArrayList<>();

    /** A provisioned person and, once enrolled, their authenticator app. */
    record Person(String id, String username, TotpDevice phone) {
    }

    @BeforeEach
    void adminConnectsOktaOrg() {
        integration = new OktaIntegrationAdmin(realm());
        integration.configureOrg(OktaFlowIT.ORG, null);
        testOkta = new TestOkta(urls.getBase() + "/realms/" + PoclabRealms.OKTA, OktaConstants.CLIENT_ID, integration.secret(),
                OktaFlowIT.CALLBACK);
    }

    @AfterEach
    void closeBrowsers() throws IOException {
        for (RawBrowser browser : browsers) {
            browser.close();
        }
        testOkta.close();
    }

    // ---- PKCE ----------------------------------------------------------------------------------

    @Test
    public void aCodeIssuedWithAChallengeIsNotRedeemedWithoutItsVerifier() {
        Person person = enrolledPerson("pkce-missing");
        Authorization authz = testOkta.authorize(person.username(), true);
        String code = verify(newBrowser(), authz, person);
        Set<String> before = eventIds();

        Reply downgraded = testOkta.redeem(code, authz.redirectUri(), null, ClientAuth.CLIENT_SECRET_BASIC, testOkta.clientSecret);
        assertEquals(400, downgraded.status(), downgraded.body());
        assertEquals("invalid_grant", downgraded.field("error"));
        assertNull(downgraded.field("id_token"));
        assertNull(downgraded.field("access_token"));
        EventRepresentation event = onlyNewEvent(before, "CODE_TO_TOKEN_ERROR");
        assertEquals("code_verifier_missing", event.getError());
        assertNotNull(event.getDetails().get("reason"), event.getDetails().toString());

        Reply afterwards = testOkta.redeem(code, authz, ClientAuth.CLIENT_SECRET_BASIC);
        assertEquals(400, afterwards.status(), "the code was spent by the refused attempt: " + afterwards.body());
        assertNull(afterwards.field("id_token"));
    }

    @Test
    public void aCodeIssuedWithAChallengeIsNotRedeemedWithAnotherVerifier() {
        Person person = enrolledPerson("pkce-wrong");
        Authorization authz = testOkta.authorize(person.username(), true);
        String code = verify(newBrowser(), authz, person);
        Set<String> before = eventIds();

        String otherVerifier = testOkta.authorize(person.username(), true).codeVerifier();
        Reply wrong = testOkta.redeem(code, authz.redirectUri(), otherVerifier, ClientAuth.CLIENT_SECRET_POST, testOkta.clientSecret);
        assertEquals(400, wrong.status(), wrong.body());
        assertEquals("invalid_grant", wrong.field("error"));
        assertNull(wrong.field("id_token"));
        EventRepresentation event = onlyNewEvent(before, "CODE_TO_TOKEN_ERROR");
        assertEquals("pkce_verification_failed", event.getError());
        assertNotNull(event.getDetails().get("reason"), event.getDetails().toString());
    }

    // ---- client secret guessing ---------------------------------------------------------------------

    @Test
    public void everyFailedClientAuthenticationIsAnEventWithItsReasonAndChangesNothing() {
        String secret = integration.secret();
        Set<String> before = eventIds();
        int attempts = 6;
        for (int i = 0; i < attempts; i++) {
            ClientAuth auth = i % 2 == 0 ? ClientAuth.CLIENT_SECRET_BASIC : ClientAuth.CLIENT_SECRET_POST;
            Reply reply = testOkta.redeem("not-a-code", OktaFlowIT.CALLBACK, null, auth, "guess-" + i + "-" + TestEntra.randomBase64(20));
            assertEquals(401, reply.status(), reply.body());
            assertNull(reply.field("access_token"));
        }
        List<EventRepresentation> failures = newEvents(before).stream().filter(e -> "CODE_TO_TOKEN_ERROR".equals(e.getType())).toList();
        assertEquals(attempts, failures.size(), "one event per failed client authentication");
        for (EventRepresentation failure : failures) {
            assertEquals("invalid_client_credentials", failure.getError());
            assertEquals(OktaConstants.CLIENT_ID, failure.getClientId());
            assertNotNull(failure.getIpAddress(), "the source address is recorded");
        }
        assertEquals(secret, integration.secret(), "guessing does not change the client's secret");
    }

    // ---- login_hint ------------------------------------------------------------------------------

    @Test
    public void markupInLoginHintIsShownAsTextOnTheIdentificationPageAndInTheRefusal() {
        RawBrowser browser = newBrowser();
        for (String hint : List.of(LOGIN_HINT_MARKUP, DOMAIN_MARKUP)) {
            RawBrowser.Page page = browser.get(testOkta.authorize(hint, false).url());
            assertInert(page);
            Element form = page.form("#kc-form-login");
            assertEquals(hint, form.selectFirst("input[name=username]").val(), "prefilled as data");

            RawBrowser.Page refused = browser.submit(page, form, Map.of());
            assertInert(refused);
            assertNull(refused.location(), "no code for a stranger");
            assertTrue(refused.doc().text().contains("not set up for POCLAB verification"), refused.doc().text());
            assertTrue(realm().users().searchByUsername(hint.toLowerCase(), true).isEmpty(), "nobody was created");
        }
    }

    @Test
    public void anotherPersonsNameFollowedByOnesOwnFactorIsRefused() {
        Person alice = enrolledPerson("alice-victim");
        Person mallory = enrolledPerson("mallory-attacker");
        List<String> aliceCredentials = credentialIds(alice);
        List<String> malloryCredentials = credentialIds(mallory);

        // Mallory reaches POCLAB with Alice's name (in login_hint, or typed) and enters her own code.
        RawBrowser browser = newBrowser();
        Authorization authz = testOkta.authorize(alice.username(), false);
        RawBrowser.Page page = browser.get(authz.url());
        page = browser.submit(page, page.form("#kc-form-login"), Map.of());
        Element otp = page.form("#kc-otp-login-form");
        RawBrowser.Page answer = browser.submit(page, otp, Map.of("otp", mallory.phone().nextCode()));

        assertNull(answer.location(), "no code for Alice with Mallory's factor: " + answer.location());
        assertTrue(answer.has("#kc-otp-login-form"), "still asked for Alice's code");
        EventRepresentation refused = realm().getEvents(List.of("LOGIN_ERROR"), null, alice.id(), null, null, null, 0, 10).get(0);
        assertEquals("invalid_user_credentials", refused.getError());
        assertEquals(aliceCredentials, credentialIds(alice), "Alice's factors unchanged");
        assertEquals(malloryCredentials, credentialIds(mallory), "Mallory's factors unchanged");
        realm().attackDetection().clearBruteForceForUser(alice.id());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The person identifies (prefilled from login_hint), enrolls TOTP on first use or enters a code; the code Okta receives. */
    private String verify(RawBrowser browser, Authorization authz, Person person) {
        RawBrowser.Page page = browser.get(authz.url());
        page = browser.submit(page, page.form("#kc-form-login"), Map.of("username", person.username()));
        page = browser.submit(page, page.form("#kc-otp-login-form"), Map.of("otp", person.phone().nextCode()));
        assertNotNull(page.location(), "sent back to Okta: " + page.body());
        assertTrue(page.location().startsWith(authz.redirectUri() + "?"), page.location());
        String code = org.apache.http.client.utils.URLEncodedUtils.parse(java.net.URI.create(page.location()),
                java.nio.charset.StandardCharsets.UTF_8).stream().filter(p -> p.getName().equals("code")).findFirst().orElseThrow().getValue();
        assertNotNull(code);
        return code;
    }

    /** Provisioned by an admin (Okta username, email), then enrolled through Keycloak's TOTP setup page. */
    private Person enrolledPerson(String name) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(name + "-" + TestEntra.newGuid().substring(0, 6) + "@acme.com");
        user.setEmail(user.getUsername());
        user.setEmailVerified(true);
        user.setFirstName(name);
        user.setLastName("Acme");
        user.setEnabled(true);
        String id;
        try (Response created = realm().users().create(user)) {
            id = CreatedResponseUtil.getCreatedId(created);
        }
        RawBrowser browser = newBrowser();
        Authorization authz = testOkta.authorize(user.getUsername(), false);
        RawBrowser.Page page = browser.get(authz.url());
        page = browser.submit(page, page.form("#kc-form-login"), Map.of());
        Element setup = page.form("#kc-totp-settings-form");
        TotpDevice phone = new TotpDevice(setup.selectFirst("input[name=totpSecret]").val());
        page = RecoveryCodes.save(browser, browser.submit(page, setup, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
        assertNotNull(page.location(), "enrollment ends at Okta: " + page.body());
        return new Person(id, user.getUsername(), phone);
    }

    private List<String> credentialIds(Person person) {
        return realm().users().get(person.id()).credentials().stream().map(CredentialRepresentation::getId).sorted().toList();
    }

    private static void assertInert(RawBrowser.Page page) {
        assertTrue(page.status() < 500, "no server error: " + page.status());
        assertFalse(page.body().contains("<script>alert("), "raw script in page:\n" + page.body());
        assertFalse(page.body().contains("<img src=x"), "raw markup in page:\n" + page.body());
        assertTrue(page.doc().select("script").stream().noneMatch(s -> s.data().contains("alert(")), "an injected script element");
        assertTrue(page.doc().select("img[src=x], img[onerror]").isEmpty(), "an injected element:\n" + page.body());
    }

    private Set<String> eventIds() {
        return realm().getEvents(null, null, null, null, null, null, 0, 2000).stream().map(EventRepresentation::getId)
                .collect(Collectors.toSet());
    }

    private List<EventRepresentation> newEvents(Set<String> before) {
        return realm().getEvents(null, null, null, null, null, null, 0, 2000).stream().filter(e -> !before.contains(e.getId())).toList();
    }

    private EventRepresentation onlyNewEvent(Set<String> before, String type) {
        List<EventRepresentation> fresh = newEvents(before).stream().filter(e -> type.equals(e.getType())).toList();
        assertEquals(1, fresh.size(), "one new " + type + ": " + fresh.stream().map(EventRepresentation::getError).toList());
        return fresh.get(0);
    }

    private RawBrowser newBrowser() {
        RawBrowser browser = new RawBrowser(urls.getBase());
        browsers.add(browser);
        return browser;
    }

    private RealmResource realm() {
        return okta.admin();
    }
}
